import Foundation
import Messages

/// The writer thread's state: its connection and the head of this node's log chain.
///
/// Used only on the writer thread (and before it starts, by `PostgresStore.init`). Every write transaction
/// takes the log's advisory transaction lock first, so entries get sequence numbers in commit order even
/// with several nodes, and this node's chain head (kept in memory, re-read whenever another writer appended)
/// is never raced.
final class PostgresWriteSession {
    let db: PGConnection
    let node: String

    /// The chain position after the last entry written (possibly uncommitted).
    struct Mark {
        var lastSeq: Int64
        var headHash: String
    }

    private var head: Mark
    private var committed: Mark
    private var inTransaction = false

    init(db: PGConnection, node: String) {
        self.db = db
        self.node = node
        // lastSeq -1 never matches the table, so the first `begin` reads the real head.
        head = Mark(lastSeq: -1, headHash: LogChain.genesis)
        committed = head
    }

    func mark() -> Mark { head }

    func reset(to mark: Mark) { head = mark }

    /// `BEGIN`, the log lock, and the chain head (re-read only if someone else appended since our commit).
    func begin() throws(StoreError) {
        try db.reconnectIfBroken()
        // One round trip: the simple-query protocol runs the three in order and answers with the last.
        // Retention may delete old entries, or a node's whole chain: sequence numbers continue after the highest
        // ever handed out (checkpoints remember it), and an emptied chain continues from its checkpoint.
        let begin = "BEGIN; SELECT pg_advisory_xact_lock(\(PostgresSchema.logLock)); "
            + "SELECT GREATEST((SELECT COALESCE(MAX(seq), 0) FROM log), "
            + "(SELECT COALESCE(MAX(seq), 0) FROM log_checkpoints))"
        let lastSeq: Int64
        do throws(StoreError) {
            inTransaction = true
            lastSeq = try db.exec(begin).int64(0, 0)
        } catch where db.isBroken {
            // The connection died while idle; nothing was done yet, so reconnecting is safe.
            try db.reconnectIfBroken()
            lastSeq = try db.exec(begin).int64(0, 0)
        }
        if lastSeq != committed.lastSeq {
            let row = try db.query(
                """
                SELECT hash FROM (
                    (SELECT seq, hash FROM log WHERE node = $1 ORDER BY seq DESC LIMIT 1)
                    UNION ALL
                    (SELECT seq, hash FROM log_checkpoints WHERE node = $1 ORDER BY seq DESC LIMIT 1)
                ) AS heads ORDER BY seq DESC LIMIT 1
                """,
                [.text(node)]
            )
            head = Mark(lastSeq: lastSeq, headHash: row.rows > 0 ? row.text(0, 0) : LogChain.genesis)
            committed = head
        }
    }

    /// `COMMIT`: durable once the server answers (`synchronous_commit` on, the server's default).
    func commit() throws(StoreError) {
        inTransaction = false
        try db.exec("COMMIT")
        committed = head
    }

    /// Rolls back the open transaction, if any, and the chain head with it.
    func rollback() {
        if inTransaction && !db.isBroken {
            _ = try? db.exec("ROLLBACK")
        }
        inTransaction = false
        head = committed
    }

    /// Appends entries to the log, chained to this node's previous one, in one statement.
    ///
    /// - Parameter indexKeys: per entry, whether to index its `keys` in `log_keys` (not needed when the
    ///   entry's message carries the same keys in `message_keys`).
    func appendLog(_ events: [LogEvent], indexKeys: (LogEvent) -> Bool = { _ in true }) throws(StoreError) {
        guard !events.isEmpty else { return }
        let rows = PGLogRows(events, node: node, head: head, indexKeys: indexKeys)
        try db.query("INSERT INTO \(PGLogRows.insertColumns) \(PGLogRows.select(from: 1))", rows.params(node: node))
        if rows.hasKeys {
            try db.query(
                "INSERT INTO log_keys(value, kind, seq) \(PGLogRows.selectKeys(from: 1)) ON CONFLICT DO NOTHING",
                rows.keyParams
            )
        }
        head = rows.end
    }

    /// Moves the chain head past rows a statement has just inserted.
    func advance(to mark: Mark) { head = mark }

    /// The type and sender of a stored message, to copy into its log events.
    func typeAndSender(of id: MessageID) throws(StoreError) -> (type: String, sender: String)? {
        let row = try db.query("SELECT type, sender FROM messages WHERE id = $1", [.text(id.rawValue)])
        return row.rows > 0 ? (row.text(0, 0), row.text(0, 1)) : nil
    }

    /// Fills a message's type and sender into events that lack them.
    func filled(_ event: LogEvent, cache: inout [MessageID: (type: String, sender: String)]) throws(StoreError)
        -> LogEvent
    {
        guard let id = event.messageId, event.type == nil || event.sender == nil else { return event }
        var event = event
        let known: (type: String, sender: String)?
        if let cached = cache[id] {
            known = cached
        } else {
            known = try typeAndSender(of: id)
            if let known { cache[id] = known }
        }
        if let known {
            if event.type == nil { event.type = known.type }
            if event.sender == nil { event.sender = known.sender }
        }
        return event
    }
}
