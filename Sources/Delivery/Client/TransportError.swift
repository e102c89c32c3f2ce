/// A transfer that produced no HTTP response: timeout, refused connection, TLS failure, reset.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of failure; compare against the static members.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        let raw: String
        /// The deadline passed before the response completed.
        public static let timeout = Kind(raw: "timeout")
        /// The name did not resolve or the TCP connection was refused or unreachable.
        public static let connectFailed = Kind(raw: "connect-failed")
        /// The TLS handshake or certificate verification failed.
        public static let tls = Kind(raw: "tls")
        /// The server's public key did not match the configured pin.
        public static let pinMismatch = Kind(raw: "pin-mismatch")
        /// The connection was reset or closed without a (complete) response.
        public static let reset = Kind(raw: "reset")
        /// The request could not be set up (bad URL, bad option).
        public static let invalidRequest = Kind(raw: "invalid-request")
        /// The client was shut down before the transfer finished.
        public static let shutdown = Kind(raw: "shutdown")
        /// Anything else libcurl reported.
        public static let other = Kind(raw: "other")
        public var description: String { raw }
    }

    /// The class of failure.
    public let kind: Kind
    /// The libcurl `CURLcode` (0 when the failure did not come from libcurl).
    public let curlCode: Int
    /// libcurl's detailed message, or its generic text for ``curlCode``.
    public let message: String

    /// Creates an error.
    public init(kind: Kind, curlCode: Int, message: String) {
        self.kind = kind
        self.curlCode = curlCode
        self.message = message
    }

    public var description: String { "\(kind) (curl \(curlCode)): \(message)" }
}
