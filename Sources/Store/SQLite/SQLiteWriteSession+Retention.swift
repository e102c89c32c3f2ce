import Foundation

extension SQLiteWriteSession {
    /// Empties up to `limit` finished bodies received before `cutoff`
    /// (see ``MessageStore/pruneBodies(receivedBefore:limit:)``).
    func pruneBodies(receivedBefore cutoff: Date, limit: Int, now: Date) throws(StoreError) -> Int {
        let update = try db.statement(
            """
            UPDATE messages SET body = X'', body_pruned_at = ?1
            WHERE rowid IN (
                SELECT rowid FROM messages AS m INDEXED BY messages_unpruned
                WHERE body_pruned_at IS NULL AND received_at < ?2
                  AND NOT EXISTS (SELECT 1 FROM outbox AS o
                                  WHERE o.message_id = m.id AND o.status IN ('pending', 'held'))
                ORDER BY received_at LIMIT ?3)
            """
        )
        update.bind(1, now)
        update.bind(2, cutoff)
        update.bind(3, limit)
        try update.run()
        let count = db.changes
        if count > 0 {
            try appendLog(LogPrefixCut.bodiesEvent(count: count, cutoff: cutoff, at: now))
        }
        return count
    }

    /// Deletes up to `limit` finished messages and up to `limit` log entries from before `cutoff`, writing the
    /// checkpoints first (see ``MessageStore/pruneMetadata(before:limit:)``).
    func pruneMetadata(before cutoff: Date, limit: Int, now: Date) throws(StoreError) -> Int {
        // Keys and outbox rows go with their message (ON DELETE CASCADE); `changes` counts messages only.
        let messages = try db.statement(
            """
            DELETE FROM messages WHERE rowid IN (
                SELECT rowid FROM messages AS m INDEXED BY messages_received_at
                WHERE received_at < ?1
                  AND NOT EXISTS (SELECT 1 FROM outbox AS o
                                  WHERE o.message_id = m.id AND o.status IN ('pending', 'held'))
                ORDER BY received_at LIMIT ?2)
            """
        )
        messages.bind(1, cutoff)
        messages.bind(2, limit)
        try messages.run()
        let deletedMessages = db.changes

        let head = try db.statement("SELECT seq, node, at, hash FROM log ORDER BY seq LIMIT ?1")
        head.bind(1, limit)
        var rows: [LogPrefixCut.Row] = []
        while try head.step() {
            rows.append(
                LogPrefixCut.Row(seq: head.int64(0), node: head.text(1), atMillis: head.int64(2), hash: head.text(3))
            )
        }
        head.reset()
        let cut = LogPrefixCut(rows: rows, cutoffMillis: SQLiteStatement.millis(cutoff), at: now)
        if let lastSeq = cut.lastSeq {
            let checkpoint = try db.statement(
                "INSERT INTO log_checkpoints(node, seq, hash, at, count_pruned) VALUES (?1, ?2, ?3, ?4, ?5)"
            )
            for point in cut.checkpoints {
                checkpoint.reset()
                checkpoint.bind(1, point.node)
                checkpoint.bind(2, point.seq)
                checkpoint.bind(3, point.hash)
                checkpoint.bind(4, point.at)
                checkpoint.bind(5, point.countPruned)
                try checkpoint.run()
            }
            let keys = try db.statement("DELETE FROM log_keys WHERE seq <= ?1")
            keys.bind(1, lastSeq)
            try keys.run()
            let entries = try db.statement("DELETE FROM log WHERE seq <= ?1")
            entries.bind(1, lastSeq)
            try entries.run()
        }
        let total = deletedMessages + cut.count
        if total > 0 {
            try appendLog(
                LogPrefixCut.metadataEvent(messages: deletedMessages, logEntries: cut.count, cutoff: cutoff, at: now)
            )
        }
        return total
    }
}
