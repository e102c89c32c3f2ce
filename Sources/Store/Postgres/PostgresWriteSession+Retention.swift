import Foundation

extension PostgresWriteSession {
    /// Empties up to `limit` finished bodies received before `cutoff`
    /// (see ``MessageStore/pruneBodies(receivedBefore:limit:)``).
    ///
    /// Runs under the log lock like every write transaction, so no replay can re-open a row in between.
    func pruneBodies(receivedBefore cutoff: Date, limit: Int, now: Date) throws(StoreError) -> Int {
        let update = try db.query(
            """
            UPDATE messages SET body = ''::bytea, body_pruned_at = $1
            WHERE id IN (
                SELECT id FROM messages m
                WHERE body_pruned_at IS NULL AND received_at < $2
                  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.id AND o.status IN ('pending', 'held'))
                ORDER BY received_at LIMIT $3)
            """,
            [.millis(now), .millis(cutoff), .int(limit)]
        )
        let count = update.affected
        if count > 0 {
            try appendLog([LogPrefixCut.bodiesEvent(count: count, cutoff: cutoff, at: now)])
        }
        return count
    }

    /// Deletes up to `limit` finished messages and up to `limit` log entries from before `cutoff`, writing the
    /// checkpoints first (see ``MessageStore/pruneMetadata(before:limit:)``).
    func pruneMetadata(before cutoff: Date, limit: Int, now: Date) throws(StoreError) -> Int {
        // Keys and outbox rows go with their message (ON DELETE CASCADE); `affected` counts messages only.
        let messages = try db.query(
            """
            DELETE FROM messages WHERE id IN (
                SELECT id FROM messages m
                WHERE received_at < $1
                  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.id AND o.status IN ('pending', 'held'))
                ORDER BY received_at LIMIT $2)
            """,
            [.millis(cutoff), .int(limit)]
        )
        let deletedMessages = messages.affected

        let head = try db.query("SELECT seq, node, at, hash FROM log ORDER BY seq LIMIT $1", [.int(limit)])
        let rows = (0..<head.rows).map { row in
            LogPrefixCut.Row(seq: head.int64(row, 0), node: head.text(row, 1), atMillis: head.int64(row, 2),
                             hash: head.text(row, 3))
        }
        let cut = LogPrefixCut(rows: rows, cutoffMillis: PGParam.millis(cutoff), at: now)
        if let lastSeq = cut.lastSeq {
            for point in cut.checkpoints {
                try db.query(
                    "INSERT INTO log_checkpoints(node, seq, hash, at, count_pruned) VALUES ($1, $2, $3, $4, $5)",
                    [.text(point.node), .int(point.seq), .text(point.hash), .millis(point.at), .int(point.countPruned)]
                )
            }
            try db.query("DELETE FROM log_keys WHERE seq <= $1", [.int(lastSeq)])
            try db.query("DELETE FROM log WHERE seq <= $1", [.int(lastSeq)])
        }
        let total = deletedMessages + cut.count
        if total > 0 {
            try appendLog(
                [LogPrefixCut.metadataEvent(messages: deletedMessages, logEntries: cut.count, cutoff: cutoff, at: now)]
            )
        }
        return total
    }
}
