import Foundation

/// Which routing-log entries one retention batch deletes, and the checkpoints that keep each node's chain
/// verifiable: the longest run of entries from the start of the log (by sequence number) that happened before
/// the cutoff, at most `limit` of them. Deleting only a prefix of the whole log deletes a prefix of every
/// node's chain, so no retained entry loses its predecessor.
struct LogPrefixCut {
    /// One entry at the head of the log, as read for the cut.
    struct Row {
        var seq: Int64
        var node: String
        var atMillis: Int64
        var hash: String
    }

    /// Delete every entry with `seq <= lastSeq` (`nil`: nothing to delete).
    private(set) var lastSeq: Int64?
    /// How many entries that is.
    private(set) var count = 0
    /// One checkpoint per node that loses entries, in node order.
    private(set) var checkpoints: [LogCheckpoint] = []

    /// Cuts `rows` (the first entries of the log, oldest first) before `cutoffMillis`.
    init(rows: [Row], cutoffMillis: Int64, at now: Date) {
        var last: [String: (seq: Int64, hash: String, count: Int)] = [:]
        for row in rows {
            guard row.atMillis < cutoffMillis else { break }
            lastSeq = row.seq
            count += 1
            let previous = last[row.node]?.count ?? 0
            last[row.node] = (row.seq, row.hash, previous + 1)
        }
        checkpoints = last.keys.sorted().compactMap { node in
            last[node].map { LogCheckpoint(node: node, seq: $0.seq, hash: $0.hash, at: now, countPruned: $0.count) }
        }
    }

    /// The `pruned` summary event of a body batch.
    static func bodiesEvent(count: Int, cutoff: Date, at now: Date) -> LogEvent {
        LogEvent(
            at: now,
            event: "pruned",
            detail: "{\"what\":\"bodies\",\"count\":\(count),\"cutoff\":\(JSONText.quote(iso(cutoff)))}"
        )
    }

    /// The `pruned` summary event of a metadata batch.
    static func metadataEvent(messages: Int, logEntries: Int, cutoff: Date, at now: Date) -> LogEvent {
        LogEvent(
            at: now,
            event: "pruned",
            detail: "{\"what\":\"metadata\",\"messages\":\(messages),\"log_entries\":\(logEntries),"
                + "\"cutoff\":\(JSONText.quote(iso(cutoff)))}"
        )
    }

    private static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
