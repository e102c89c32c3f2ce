/// A message encoded for one destination: what goes on the wire, minus the delivery headers.
public struct OutboundPayload: Sendable {
    /// Appended to the destination's base URL, e.g. `/api/egw/nhanHoSoKCB`; empty for the base URL itself.
    public var pathSuffix: String
    /// The request body.
    public var body: [UInt8]
    /// The `Content-Type` to send.
    public var contentType: String
    /// Further header fields (e.g. `Authorization`).
    public var headers: [(String, String)]
    /// The method; `POST` unless a destination says otherwise.
    public var method: String

    /// Creates a payload.
    public init(
        pathSuffix: String = "",
        body: [UInt8],
        contentType: String = "application/json",
        headers: [(String, String)] = [],
        method: String = "POST"
    ) {
        self.pathSuffix = pathSuffix
        self.body = body
        self.contentType = contentType
        self.headers = headers
        self.method = method
    }
}
