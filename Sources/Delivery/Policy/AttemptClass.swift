/// What one delivery attempt's outcome means for the message.
public enum AttemptClass: Sendable, Equatable {
    /// The destination has the message (2xx, or 409 for a key it already holds).
    case delivered
    /// Try again later; `after` is the server's `Retry-After`, if it sent one.
    case retry(after: Duration?)
    /// Never retry; the reason is kept with the dead letter.
    case deadLetter(reason: String)
}
