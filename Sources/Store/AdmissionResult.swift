import Foundation
import Messages

/// What became of one ``Admission``.
public enum AdmissionResult: Sendable, Hashable {
    /// Newly stored (durably, the commit has been fsynced) under this id.
    case stored(MessageID)
    /// The `(sender, idempotencyKey)` was already taken; nothing new was stored.
    case duplicate(Duplicate)

    /// The original message a duplicate admission collided with.
    public struct Duplicate: Sendable, Hashable {
        /// The id the original was stored under (answer this in the receipt).
        public var originalId: MessageID
        /// Whether the content hash matches the original's: `false` means the key was reused for other
        /// content (the gateway answers 409).
        public var sameContent: Bool
        /// When the original was received.
        public var originalReceivedAt: Date
        /// The original's delivery status per destination, at the time of the collision.
        public var originalDeliveries: [String: DeliveryStatus]

        /// Creates a duplicate description.
        public init(
            originalId: MessageID,
            sameContent: Bool,
            originalReceivedAt: Date,
            originalDeliveries: [String: DeliveryStatus]
        ) {
            self.originalId = originalId
            self.sameContent = sameContent
            self.originalReceivedAt = originalReceivedAt
            self.originalDeliveries = originalDeliveries
        }
    }

    /// The id to answer with: the new one, or the original's for a duplicate.
    public var id: MessageID {
        switch self {
        case .stored(let id): id
        case .duplicate(let duplicate): duplicate.originalId
        }
    }
}
