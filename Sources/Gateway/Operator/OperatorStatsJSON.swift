import Delivery
import Foundation
import HTTPCore
import Store

/// The body of `GET /v1/stats`: per destination outbox counts, backlog age, breaker and requests in flight;
/// and counts of the last hour's log events per event, type and sender.
enum OperatorStatsJSON {
    static func render(
        outbox: [DestinationStats], counts: [LogCount], destinations: [String], deliverer: Deliverer?,
        since: Date, now: Date
    ) -> [UInt8] {
        let byID = Dictionary(outbox.map { ($0.destination, $0) }, uniquingKeysWith: { a, _ in a })
        let ids = Set(destinations).union(byID.keys).sorted()
        var json = JSONWriter()
        json.object { o in
            o.field("at", Timestamp.iso(now))
            o.array("destinations") { a in
                for id in ids {
                    let stats = byID[id]
                    a.object { d in
                        d.field("destination", id)
                        d.field("pending", stats?.pending ?? 0)
                        d.field("inflight", stats?.inflight ?? 0)
                        d.field("held", stats?.held ?? 0)
                        d.field("delivered", stats?.delivered ?? 0)
                        d.field("dead", stats?.dead ?? 0)
                        if let oldest = stats?.oldestPendingReceivedAt {
                            d.field("oldest_pending_age_seconds", (max(0, now.timeIntervalSince(oldest)) * 1000).rounded() / 1000)
                        } else {
                            d.field("oldest_pending_age_seconds", nil as String?)
                        }
                        d.field("breaker", deliverer?.breakerState(destination: id)?.rawValue)
                        d.field("active_requests", deliverer?.activeRequests(destination: id) ?? 0)
                    }
                }
            }
            o.object("last_hour") { h in
                h.field("since", Timestamp.iso(since))
                h.object("by_event") { e in group(counts, \.event, into: &e) }
                h.object("by_type") { t in group(counts.filter { $0.type != nil }, { $0.type ?? "" }, into: &t) }
                h.object("by_sender") { s in group(counts.filter { $0.sender != nil }, { $0.sender ?? "" }, into: &s) }
                h.array("rows") { a in
                    for row in counts.sorted(by: { ($0.event, $0.type ?? "", $0.sender ?? "") < ($1.event, $1.type ?? "", $1.sender ?? "") }) {
                        a.object { r in
                            r.field("event", row.event)
                            r.field("type", row.type)
                            r.field("sender", row.sender)
                            r.field("destination", row.destination)
                            r.field("count", row.count)
                        }
                    }
                }
            }
        }
        return json.bytes
    }

    private static func group(_ counts: [LogCount], _ key: (LogCount) -> String, into o: inout JSONWriter.ObjectWriter) {
        var totals: [String: Int] = [:]
        for row in counts { totals[key(row), default: 0] += row.count }
        for name in totals.keys.sorted() { o.field(name, totals[name] ?? 0) }
    }
}
