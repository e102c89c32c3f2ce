import Foundation

/// Outbox counts for one destination.
public struct DestinationStats: Sendable, Hashable {
    /// The destination id.
    public var destination: String
    /// Rows waiting, not leased.
    public var pending: Int
    /// Rows leased by a deliverer right now.
    public var inflight: Int
    /// Rows waiting for a pre-delivery step.
    public var held: Int
    /// Rows delivered.
    public var delivered: Int
    /// Rows in the dead-letter list.
    public var dead: Int
    /// When the oldest pending (or in-flight) message was received: the backlog's age.
    public var oldestPendingReceivedAt: Date?

    /// Creates stats.
    public init(
        destination: String,
        pending: Int,
        inflight: Int,
        held: Int,
        delivered: Int,
        dead: Int,
        oldestPendingReceivedAt: Date?
    ) {
        self.destination = destination
        self.pending = pending
        self.inflight = inflight
        self.held = held
        self.delivered = delivered
        self.dead = dead
        self.oldestPendingReceivedAt = oldestPendingReceivedAt
    }
}
