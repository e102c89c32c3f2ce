/// A portal answer Interchange cannot read.
public struct SocialSecurityProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public let detail: String
    /// Creates an error.
    public init(detail: String) { self.detail = detail }
    /// The error for logs.
    public var description: String { "SocialSecurityProtocolError: \(detail)" }
}
