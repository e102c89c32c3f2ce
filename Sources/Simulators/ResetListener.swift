import Foundation
import Glibc
import Synchronization

/// A loopback TCP port that reads whatever a client sends and then resets the connection (RST, via
/// `SO_LINGER` 0) without answering: the "connection reset by peer" failure, which an HTTP handler
/// cannot produce.
public final class ResetListener: Sendable {
    private let fd: Int32
    /// The bound port.
    public let port: Int
    private let closed = Atomic<Bool>(false)

    /// Binds `127.0.0.1` on an ephemeral port and starts accepting on a background thread.
    ///
    /// - Throws: ``SimulatorError`` if the socket cannot be set up.
    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SimulatorError(operation: "socket", code: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let code = errno
            close(fd)
            throw SimulatorError(operation: "bind/listen", code: code)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [fd] in Self.acceptLoop(fd) }
        thread.name = "reset-listener"
        thread.start()
    }

    deinit { shutdown() }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting. Idempotent.
    public func shutdown() {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        // shutdown(2) wakes the thread blocked in accept(2); the thread then closes the descriptor.
        Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    private static func acceptLoop(_ fd: Int32) {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                close(fd)
                return
            }
            // Read (part of) the request so the client is past sending, then reset.
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 65_536)
            _ = recv(client, &buffer, buffer.count, 0)
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            close(client)
        }
    }
}
