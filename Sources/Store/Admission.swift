import Messages

/// One message to store, with the outbox rows and log events that must commit with it.
public struct Admission: Sendable {
    /// The message; its `(sender, idempotencyKey)` decides whether it is new.
    public var message: CanonicalMessage
    /// Where it must be delivered; one outbox row each. Destinations must be distinct.
    public var destinations: [OutboxTarget]
    /// Events to log when the message is stored (`received`, `stored`, `routed` ...). Missing `messageId`,
    /// `type` and `sender` are filled from the message. They are not written for a duplicate: the store
    /// logs one `duplicate` (same content) or `conflict` (other content) event against the original instead.
    public var events: [LogEvent]

    /// Creates an admission.
    public init(message: CanonicalMessage, destinations: [OutboxTarget], events: [LogEvent] = []) {
        self.message = message
        self.destinations = destinations
        self.events = events
    }
}
