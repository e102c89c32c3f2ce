import Foundation
import Messages

/// A routing-log event to append. The store adds the sequence number, node and hash chain.
public struct LogEvent: Sendable, Hashable {
    /// When it happened.
    public var at: Date
    /// The message it concerns, if one was stored (or, for `duplicate` / `conflict`, the original).
    public var messageId: MessageID?
    /// The destination it concerns, if any.
    public var destination: String?
    /// What happened: `received`, `rejected`, `duplicate`, `conflict`, `stored`, `routed`, `held`, `verified`,
    /// `mismatch`, `attempt`, `delivered`, `retry_scheduled`, `dead_lettered`, `replayed`, `viewed`.
    public var event: String
    /// Compact JSON with the specifics, e.g. `{"status":503,"latency_ms":12}`.
    public var detail: String
    /// Who caused it (an operator's name for `replayed` / `viewed`); `nil` for the gateway itself.
    public var actor: String?
    /// The message type, copied so log search needs no join. Filled from the message inside an ``Admission``.
    public var type: String?
    /// The sending agency, copied so log search needs no join. Filled from the message inside an ``Admission``.
    public var sender: String?
    /// Business keys this event can be found by when it has no stored message (e.g. a rejected request's
    /// citizen ID number). Events of a stored message are found through the message's own keys.
    public var keys: [BusinessKey]

    /// Creates an event.
    public init(
        at: Date = Date(),
        messageId: MessageID? = nil,
        destination: String? = nil,
        event: String,
        detail: String = "{}",
        actor: String? = nil,
        type: String? = nil,
        sender: String? = nil,
        keys: [BusinessKey] = []
    ) {
        self.at = at
        self.messageId = messageId
        self.destination = destination
        self.event = event
        self.detail = detail
        self.actor = actor
        self.type = type
        self.sender = sender
        self.keys = keys
    }
}
