/// What a destination answered.
public struct OutboundResponse: Sendable {
    /// The final status code.
    public var status: Int
    /// Response header fields, in order (of the final response only).
    public var headers: [(String, String)]
    /// The body, truncated to the client's ``HTTPClient/maxResponseBody`` bytes.
    public var body: [UInt8]
    /// Whether ``body`` was truncated.
    public var bodyTruncated: Bool
    /// Time from hand-over to libcurl until the transfer completed.
    public var latency: Duration
    /// How many new connections this transfer opened (0 when a pooled connection was reused).
    public var newConnections: Int

    /// Creates a response.
    public init(
        status: Int,
        headers: [(String, String)] = [],
        body: [UInt8] = [],
        bodyTruncated: Bool = false,
        latency: Duration = .zero,
        newConnections: Int = 0
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyTruncated = bodyTruncated
        self.latency = latency
        self.newConnections = newConnections
    }

    /// The first value of header `name` (ASCII case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.0.lowercased() == lowered }?.1
    }
}
