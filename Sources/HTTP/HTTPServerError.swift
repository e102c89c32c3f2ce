/// A failure to start the server (socket, bind, listen, thread creation).
public struct HTTPServerError: Error, CustomStringConvertible, Sendable {
    /// The failed call, e.g. `bind 127.0.0.1:8443`.
    public let operation: String
    /// `errno` at the time.
    public let errno: Int32

    init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    /// `<operation> failed: <strerror>`.
    public var description: String {
        "\(operation) failed: \(String(cString: strerror(errno)))"
    }
}

#if canImport(Glibc)
import Glibc
#endif
