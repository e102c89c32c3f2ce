import Foundation
import Messages

/// A message as the store keeps it.
public struct StoredMessage: Sendable, Equatable {
    /// The message with body, business keys (sorted by kind, then value) and attributes as admitted. After
    /// retention pruned the body, ``CanonicalMessage/body`` is empty and ``bodyPrunedAt`` says when.
    public var message: CanonicalMessage
    /// When retention emptied the body, or `nil` while it is kept.
    public var bodyPrunedAt: Date?

    /// Creates a stored message.
    public init(message: CanonicalMessage, bodyPrunedAt: Date? = nil) {
        self.message = message
        self.bodyPrunedAt = bodyPrunedAt
    }
}
