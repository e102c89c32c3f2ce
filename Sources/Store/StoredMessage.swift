import Messages

/// A message as the store keeps it.
public struct StoredMessage: Sendable, Equatable {
    /// The message with body, business keys (sorted by kind, then value) and attributes as admitted.
    public var message: CanonicalMessage

    /// Creates a stored message.
    public init(message: CanonicalMessage) {
        self.message = message
    }
}
