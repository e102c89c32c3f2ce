/// The outcome of parsing a request head from the start of a buffer.
public enum HeadParseResult: Sendable, Equatable {
    /// More bytes are needed (and the limit has not been reached).
    case incomplete
    /// A valid head; `consumed` bytes (including any ignored leading empty lines) end at the blank line.
    case head(HTTPRequestHead, consumed: Int)
    /// The head is invalid; answer `failure.status` and close.
    case failure(HTTPParseFailure)
}
