import Synchronization

/// The gateway's counters and latency histograms, updated on the hot paths (ingest, delivery completion) and
/// read by `GET /metrics`. One `Mutex` guards everything: each update is a dictionary bump under the lock, far
/// cheaper than the commit it follows.
public final class Metrics: Sendable {
    /// What became of one submitted message.
    public enum MessageOutcome: String, Sendable, CaseIterable {
        /// Stored and routed (202).
        case accepted
        /// Same key, same content as a stored message (200).
        case duplicate
        /// Failed validation or decoding (4xx), nothing stored.
        case rejected
        /// Same key, different content (409).
        case conflict
    }

    /// Labels of `interchange_messages_total`.
    public struct MessageKey: Sendable, Hashable {
        /// Message type.
        public var type: String
        /// Sending agency.
        public var sender: String
        /// The outcome.
        public var outcome: MessageOutcome
    }

    /// Labels of `interchange_deliveries_total`.
    public struct DeliveryKey: Sendable, Hashable {
        /// Destination id.
        public var destination: String
        /// `delivered`, `retry` or `dead`.
        public var outcome: String
    }

    /// A consistent copy of every series.
    public struct Snapshot: Sendable {
        /// `interchange_messages_total`.
        public var messages: [MessageKey: Int] = [:]
        /// `interchange_deliveries_total`.
        public var deliveries: [DeliveryKey: Int] = [:]
        /// `interchange_ingest_seconds`.
        public var ingest = Histogram(bounds: Histogram.ingestBounds)
        /// `interchange_delivery_seconds` per destination.
        public var delivery: [String: Histogram] = [:]
        /// `interchange_retention_pruned_total` by what was pruned (`bodies`, `metadata`).
        public var pruned: [String: Int] = [:]
    }

    private let state = Mutex(Snapshot())

    /// Creates empty metrics.
    public init() {}

    /// Counts outcomes of one request's messages (one lock for the whole batch).
    public func recordMessages(_ outcomes: [(type: String, sender: String, outcome: MessageOutcome)]) {
        guard !outcomes.isEmpty else { return }
        state.withLock { state in
            for item in outcomes {
                state.messages[MessageKey(type: item.type, sender: item.sender, outcome: item.outcome), default: 0] += 1
            }
        }
    }

    /// Records how long one ingest request took, from routing to the answer.
    public func observeIngest(seconds: Double) {
        state.withLock { $0.ingest.observe(seconds) }
    }

    /// Counts delivery attempt outcomes and their latencies (one lock for the whole batch).
    public func recordDeliveries(_ attempts: [(destination: String, outcome: String, seconds: Double?)]) {
        guard !attempts.isEmpty else { return }
        state.withLock { state in
            for attempt in attempts {
                state.deliveries[DeliveryKey(destination: attempt.destination, outcome: attempt.outcome), default: 0] += 1
                if let seconds = attempt.seconds {
                    state.delivery[attempt.destination, default: Histogram(bounds: Histogram.deliveryBounds)]
                        .observe(seconds)
                }
            }
        }
    }

    /// Counts what one retention batch pruned (`bodies`: bodies emptied; `metadata`: messages plus log entries).
    public func recordPruned(what: String, count: Int) {
        guard count > 0 else { return }
        state.withLock { $0.pruned[what, default: 0] += count }
    }

    /// A copy of every series, taken under the lock.
    public func snapshot() -> Snapshot { state.withLock { $0 } }
}
