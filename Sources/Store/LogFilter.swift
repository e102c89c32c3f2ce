import Foundation
import Messages

/// Which routing-log entries to return. Every set field must match (AND).
public struct LogFilter: Sendable, Hashable {
    /// Message type, e.g. `hospital.visit`.
    public var type: String?
    /// Sending agency id.
    public var sender: String?
    /// Destination id.
    public var destination: String?
    /// Event name (the operator API calls it `status`), e.g. `dead_lettered`.
    public var event: String?
    /// A citizen ID number: entries of messages with that `citizen` business key, or events logged with it.
    public var citizen: String?
    /// Any business key value (MA_LK, judgment number, ...), of any kind.
    public var key: String?
    /// One message's entries.
    public var messageId: MessageID?
    /// Entries at or after this time.
    public var since: Date?
    /// Entries before this time.
    public var until: Date?
    /// Oldest first (for following the log) instead of the default newest first.
    public var oldestFirst: Bool

    /// Creates a filter; no arguments matches everything, newest first.
    public init(
        type: String? = nil,
        sender: String? = nil,
        destination: String? = nil,
        event: String? = nil,
        citizen: String? = nil,
        key: String? = nil,
        messageId: MessageID? = nil,
        since: Date? = nil,
        until: Date? = nil,
        oldestFirst: Bool = false
    ) {
        self.type = type
        self.sender = sender
        self.destination = destination
        self.event = event
        self.citizen = citizen
        self.key = key
        self.messageId = messageId
        self.since = since
        self.until = until
        self.oldestFirst = oldestFirst
    }
}
