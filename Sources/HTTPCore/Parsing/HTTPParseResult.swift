/// The outcome of parsing one whole request (head and body) from a buffer.
public enum HTTPParseResult: Sendable, Equatable {
    /// More bytes are needed.
    case incomplete
    /// A complete request; `consumed` bytes belong to it, the next request starts right after.
    case request(HTTPRequestHead, body: [UInt8], consumed: Int)
    /// The request is invalid; answer `failure.status` and close.
    case failure(HTTPParseFailure)
}
