/// A parsed, validated request head (request line and header fields).
public struct HTTPRequestHead: Sendable, Equatable {
    /// The method token, e.g. `POST`.
    public var method: String
    /// The request target as sent.
    public var target: String
    /// `1.1` or `1.0`.
    public var version: String
    /// Header fields in arrival order, values with OWS trimmed.
    public var headers: HTTPHeaders
    /// How the body is framed.
    public var framing: BodyFraming
    /// Whether the connection stays open after the response (version default plus `Connection`).
    public var keepAlive: Bool
    /// Whether the client sent `Expect: 100-continue` (HTTP/1.1 only).
    public var expectContinue: Bool

    /// Creates a head.
    public init(
        method: String,
        target: String,
        version: String,
        headers: HTTPHeaders,
        framing: BodyFraming,
        keepAlive: Bool,
        expectContinue: Bool
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.framing = framing
        self.keepAlive = keepAlive
        self.expectContinue = expectContinue
    }

    /// The path part of the target, without the query.
    public var path: String {
        if let q = target.firstIndex(of: "?") { return String(target[..<q]) }
        return target
    }
}
