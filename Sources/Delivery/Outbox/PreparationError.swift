/// Thrown by a destination's ``Destination/encode`` hook when it cannot build the request.
///
/// Retryable errors (a token endpoint was down) schedule a retry with backoff; others (the message cannot
/// be expressed in the destination's format) dead-letter at once. Any other error thrown by `encode`
/// counts as not retryable.
public struct PreparationError: Error, Sendable, CustomStringConvertible {
    /// Why.
    public var reason: String
    /// Whether trying again later may succeed.
    public var retryable: Bool

    /// Creates an error.
    public init(reason: String, retryable: Bool) {
        self.reason = reason
        self.retryable = retryable
    }

    public var description: String { reason }
}
