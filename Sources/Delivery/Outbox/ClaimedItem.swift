import Foundation
import Messages

/// One outbox row leased to the deliverer: a message due for one destination.
public struct ClaimedItem: Sendable {
    /// The message; also the `Idempotency-Key` sent on every attempt.
    public var messageId: MessageID
    /// The destination id.
    public var destination: String
    /// Attempts already made (0 for the first delivery).
    public var attempt: Int
    /// When the gateway accepted the message (for ``RetryPolicy/maxAge``).
    public var receivedAt: Date
    /// The sender's correlation id, or one the gateway minted.
    public var correlationId: String
    /// The message type, e.g. `hospital.visit`, for encoders that serve several.
    public var messageType: String
    /// The payload as the store built or kept it; a destination's ``Destination/encode`` may replace it.
    public var payload: OutboundPayload
    /// The outbox's fencing token for this claim, handed back in ``Completion/claimToken``.
    public var claimToken: Int64
    /// The canonical message, when the outbox hands it over for the destination's encoder.
    public var message: CanonicalMessage?

    /// Creates a claimed item.
    public init(
        messageId: MessageID,
        destination: String,
        attempt: Int,
        receivedAt: Date,
        correlationId: String,
        messageType: String = "",
        payload: OutboundPayload,
        claimToken: Int64 = 0,
        message: CanonicalMessage? = nil
    ) {
        self.claimToken = claimToken
        self.message = message
        self.messageId = messageId
        self.destination = destination
        self.attempt = attempt
        self.receivedAt = receivedAt
        self.correlationId = correlationId
        self.messageType = messageType
        self.payload = payload
    }
}
