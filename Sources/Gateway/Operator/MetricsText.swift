import Delivery
import Foundation
import Store

/// Renders metrics in the Prometheus text exposition format 0.0.4.
public struct MetricsText: Sendable {
    /// The `Content-Type` of the rendering.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private var text = ""

    /// Everything the gauges need besides the counters: read from the store and the deliverer at scrape time.
    public struct Gauges: Sendable {
        /// Outbox counts per destination.
        public var outbox: [DestinationStats] = []
        /// Every configured destination with its breaker state (nil if no runner) and requests in flight.
        public var destinations: [(id: String, breaker: CircuitBreaker.State?, activeRequests: Int)] = []
        /// The store writer's group-commit counters, if the store keeps them.
        public var commits: CommitStats?
        /// When the scrape happened (backlog ages are measured from it).
        public var now = Date()

        /// Creates empty gauges.
        public init() {}
    }

    /// Renders counters, histograms and gauges.
    public static func render(_ snapshot: Metrics.Snapshot, gauges: Gauges) -> String {
        var out = MetricsText()
        out.family("interchange_messages_total", "counter", "Submitted messages by type, sender and outcome.")
        for (key, value) in snapshot.messages.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            out.sample("interchange_messages_total",
                       [("type", key.type), ("sender", key.sender), ("outcome", key.outcome.rawValue)], Double(value))
        }
        out.family("interchange_deliveries_total", "counter", "Delivery attempts by destination and outcome.")
        for (key, value) in snapshot.deliveries.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            out.sample("interchange_deliveries_total", [("destination", key.destination), ("outcome", key.outcome)],
                       Double(value))
        }
        out.family("interchange_ingest_seconds", "histogram", "Time from request to answer on the ingest path.")
        out.histogram("interchange_ingest_seconds", [], snapshot.ingest)
        out.family("interchange_delivery_seconds", "histogram", "Latency of one delivery attempt by destination.")
        for destination in snapshot.delivery.keys.sorted() {
            if let histogram = snapshot.delivery[destination] {
                out.histogram("interchange_delivery_seconds", [("destination", destination)], histogram)
            }
        }
        out.family("interchange_retention_pruned_total", "counter",
                   "Rows pruned by retention: bodies emptied, and messages plus log entries deleted.")
        for what in ["bodies", "metadata"] {
            out.sample("interchange_retention_pruned_total", [("what", what)], Double(snapshot.pruned[what] ?? 0))
        }
        let outbox = Dictionary(gauges.outbox.map { ($0.destination, $0) }, uniquingKeysWith: { a, _ in a })
        let ids = Set(gauges.destinations.map(\.id)).union(outbox.keys).sorted()
        out.family("interchange_outbox_pending", "gauge", "Outbox rows waiting per destination (not leased).")
        for id in ids { out.sample("interchange_outbox_pending", [("destination", id)], Double(outbox[id]?.pending ?? 0)) }
        out.family("interchange_outbox_inflight", "gauge", "Outbox rows leased by a deliverer per destination.")
        for id in ids { out.sample("interchange_outbox_inflight", [("destination", id)], Double(outbox[id]?.inflight ?? 0)) }
        out.family("interchange_outbox_dead", "gauge", "Dead-lettered outbox rows per destination.")
        for id in ids { out.sample("interchange_outbox_dead", [("destination", id)], Double(outbox[id]?.dead ?? 0)) }
        out.family("interchange_outbox_oldest_pending_age_seconds", "gauge",
                   "Age of the oldest undelivered message per destination (0 when none).")
        for id in ids {
            let age = outbox[id]?.oldestPendingReceivedAt.map { max(0, gauges.now.timeIntervalSince($0)) } ?? 0
            out.sample("interchange_outbox_oldest_pending_age_seconds", [("destination", id)], age)
        }
        out.family("interchange_breaker_state", "gauge", "Circuit breaker per destination: 0 closed, 1 half-open, 2 open.")
        for destination in gauges.destinations {
            out.sample("interchange_breaker_state", [("destination", destination.id)], breakerValue(destination.breaker))
        }
        out.family("interchange_delivery_active_requests", "gauge", "Delivery requests in flight per destination.")
        for destination in gauges.destinations {
            out.sample("interchange_delivery_active_requests", [("destination", destination.id)],
                       Double(destination.activeRequests))
        }
        if let commits = gauges.commits {
            out.family("interchange_store_commit_batch_size", "summary", "Work items per store write transaction.")
            out.sample("interchange_store_commit_batch_size_sum", [], Double(commits.items))
            out.sample("interchange_store_commit_batch_size_count", [], Double(commits.commits))
            out.family("interchange_store_commit_largest_batch", "gauge", "The largest batch committed in one transaction.")
            out.sample("interchange_store_commit_largest_batch", [], Double(commits.largestBatch))
            out.family("interchange_store_commit_failures_total", "counter", "Store write transactions rolled back.")
            out.sample("interchange_store_commit_failures_total", [], Double(commits.failedCommits))
            out.family("interchange_store_commit_busy_seconds_total", "counter", "Seconds spent inside write transactions.")
            out.sample("interchange_store_commit_busy_seconds_total", [], commits.busySeconds)
        }
        return out.text
    }

    /// 0 closed, 1 half-open, 2 open (a destination without a runner counts as closed).
    static func breakerValue(_ state: CircuitBreaker.State?) -> Double {
        switch state {
        case .open: 2
        case .halfOpen: 1
        case .closed, nil: 0
        }
    }

    private mutating func family(_ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    private mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " \(Self.number(value))\n"
    }

    private mutating func histogram(_ name: String, _ labels: [(String, String)], _ histogram: Histogram) {
        for bucket in histogram.cumulative {
            sample(name + "_bucket", labels + [("le", bucket.le)], Double(bucket.count))
        }
        sample(name + "_sum", labels, histogram.sum)
        sample(name + "_count", labels, Double(histogram.count))
    }

    /// A sample value: integers without a fraction, others in Swift's shortest round-trip form.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// Escapes a label value: backslash, double quote and newline.
    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
