/// One HTTP request to a destination.
public struct OutboundRequest: Sendable {
    /// The absolute URL, `http://` or `https://`.
    public var url: String
    /// The method; `POST` by default. `GET` and `HEAD` send no body.
    public var method: String
    /// Header fields to send, in order. `Expect:` is always suppressed.
    public var headers: [(String, String)]
    /// The request body.
    public var body: [UInt8]
    /// The whole-transfer deadline, connection set-up included.
    public var timeout: Duration
    /// TLS settings; `nil` means libcurl defaults (system CAs, full verification).
    public var tls: DestinationTLS?

    /// Creates a request.
    public init(
        url: String,
        method: String = "POST",
        headers: [(String, String)] = [],
        body: [UInt8] = [],
        timeout: Duration = .seconds(30),
        tls: DestinationTLS? = nil
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.tls = tls
    }
}
