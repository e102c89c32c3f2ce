/// Why generating or reading development certificates failed.
public struct PKIError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable { case openssl, io, certificate }
    private let code: Code
    /// What went wrong, for people.
    public let message: String

    /// The `openssl` command failed (or could not be started).
    static func openssl(_ message: String) -> PKIError { PKIError(code: .openssl, message: message) }
    /// A file or directory could not be written.
    static func io(_ message: String) -> PKIError { PKIError(code: .io, message: message) }
    /// A certificate file could not be read or parsed.
    static func certificate(_ message: String) -> PKIError { PKIError(code: .certificate, message: message) }

    /// The message, prefixed with the kind of failure.
    public var description: String { "\(code): \(message)" }
}
