import Foundation
import Messages

/// A stored routing-log entry.
public struct LogEntry: Sendable, Hashable {
    /// Position in the log; increases in commit order. Use it as the pagination cursor.
    public var seq: Int64
    /// The gateway node that wrote it (each node has its own hash chain).
    public var node: String
    /// When it happened (millisecond precision).
    public var at: Date
    /// The message it concerns, if any.
    public var messageId: MessageID?
    /// The destination it concerns, if any.
    public var destination: String?
    /// What happened (see ``LogEvent/event``).
    public var event: String
    /// The message type, if known.
    public var type: String?
    /// The sending agency, if known.
    public var sender: String?
    /// Compact JSON with the specifics.
    public var detail: String
    /// Who caused it, if a person did.
    public var actor: String?
    /// The hash of the node's previous entry (64 zeros for the first).
    public var prevHash: String
    /// SHA-256 of `prevHash` and this entry's fields (see ``LogChain``).
    public var hash: String

    /// Creates an entry.
    public init(
        seq: Int64,
        node: String,
        at: Date,
        messageId: MessageID?,
        destination: String?,
        event: String,
        type: String?,
        sender: String?,
        detail: String,
        actor: String?,
        prevHash: String,
        hash: String
    ) {
        self.seq = seq
        self.node = node
        self.at = at
        self.messageId = messageId
        self.destination = destination
        self.event = event
        self.type = type
        self.sender = sender
        self.detail = detail
        self.actor = actor
        self.prevHash = prevHash
        self.hash = hash
    }
}
