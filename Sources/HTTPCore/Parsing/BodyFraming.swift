/// How a request's body is delimited on the wire.
public enum BodyFraming: Sendable, Equatable {
    /// No body (no Content-Length, or Content-Length: 0, and no Transfer-Encoding).
    case none
    /// Exactly this many bytes follow the head.
    case contentLength(Int)
    /// `Transfer-Encoding: chunked`; decode with ``ChunkedDecoder``.
    case chunked
}
