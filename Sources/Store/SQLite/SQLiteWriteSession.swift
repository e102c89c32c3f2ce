import Foundation
import Messages

/// The writer thread's state: the write connection and the head of this node's log chain.
///
/// Used only on the writer thread (and before it starts, by `SQLiteStore.init`). The chain head lives in
/// memory so each entry's hash is computed once, in commit order; it is rolled back with the transaction.
final class SQLiteWriteSession {
    let db: SQLiteConnection
    let node: String

    /// The chain position after the last entry written (possibly uncommitted).
    struct Mark {
        var lastSeq: Int64
        var headHash: String
    }

    private var head: Mark
    private var committed: Mark
    private var dataVersion: Int64 = 0

    init(db: SQLiteConnection, node: String) throws(StoreError) {
        self.db = db
        self.node = node
        head = Mark(lastSeq: 0, headHash: LogChain.genesis)
        committed = head
        try loadHead()
    }

    /// Reads the chain head from the database (at start, and when another connection wrote to the file).
    private func loadHead() throws(StoreError) {
        // Retention may have deleted the newest entries' predecessors, or a node's whole chain: sequence numbers
        // continue after the highest ever handed out, and an emptied chain continues from its checkpoint.
        let lastSeq = try db.integer(
            "SELECT max(COALESCE((SELECT MAX(seq) FROM log), 0), COALESCE((SELECT MAX(seq) FROM log_checkpoints), 0))"
        ) ?? 0
        let statement = try db.statement(
            """
            SELECT hash FROM (
                SELECT * FROM (SELECT seq, hash FROM log WHERE node = ?1 ORDER BY seq DESC LIMIT 1)
                UNION ALL
                SELECT * FROM (SELECT seq, hash FROM log_checkpoints WHERE node = ?1 ORDER BY seq DESC LIMIT 1)
            ) ORDER BY seq DESC LIMIT 1
            """
        )
        statement.bind(1, node)
        let hash = try statement.step() ? statement.text(0) : LogChain.genesis
        statement.reset()
        head = Mark(lastSeq: lastSeq, headHash: hash)
        committed = head
        dataVersion = try db.integer("PRAGMA data_version") ?? 0
    }

    func mark() -> Mark { head }

    func reset(to mark: Mark) { head = mark }

    /// `BEGIN IMMEDIATE`; reloads the chain head if another connection committed since our last look.
    func begin() throws(StoreError) {
        try db.statement("BEGIN IMMEDIATE").run()
        let version = try db.integer("PRAGMA data_version") ?? 0
        if version != dataVersion {
            try loadHead()
        }
    }

    /// `COMMIT` (durable: synchronous=FULL fsyncs the WAL before returning).
    func commit() throws(StoreError) {
        try db.statement("COMMIT").run()
        committed = head
    }

    /// Rolls back the open transaction, if any, and the chain head with it.
    func rollback() {
        if !db.isAutocommit {
            try? db.exec("ROLLBACK")
        }
        head = committed
    }

    /// Appends one entry to the log, chained to this node's previous one.
    ///
    /// - Parameter indexKeys: whether to index `event.keys` in `log_keys` (not needed when the entry's
    ///   message carries the same keys in `message_keys`).
    @discardableResult
    func appendLog(_ event: LogEvent, indexKeys: Bool = true) throws(StoreError) -> Int64 {
        let seq = head.lastSeq + 1
        let at = SQLiteStatement.millis(event.at)
        let hash = LogChain.hash(
            prevHash: head.headHash,
            seq: seq,
            node: node,
            atMillis: at,
            messageId: event.messageId?.rawValue,
            destination: event.destination,
            event: event.event,
            type: event.type,
            sender: event.sender,
            detail: event.detail,
            actor: event.actor
        )
        let insert = try db.statement(
            """
            INSERT INTO log(seq, node, at, message_id, destination, event, type, sender, detail, actor, prev_hash, hash)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
            """
        )
        insert.bind(1, seq)
        insert.bind(2, node)
        insert.bind(3, at)
        insert.bind(4, event.messageId?.rawValue)
        insert.bind(5, event.destination)
        insert.bind(6, event.event)
        insert.bind(7, event.type)
        insert.bind(8, event.sender)
        insert.bind(9, event.detail)
        insert.bind(10, event.actor)
        insert.bind(11, head.headHash)
        insert.bind(12, hash)
        try insert.run()
        if indexKeys && !event.keys.isEmpty {
            let key = try db.statement("INSERT OR IGNORE INTO log_keys(value, kind, seq) VALUES (?1, ?2, ?3)")
            for businessKey in event.keys {
                key.reset()
                key.bind(1, businessKey.value)
                key.bind(2, businessKey.kind)
                key.bind(3, seq)
                try key.run()
            }
        }
        head = Mark(lastSeq: seq, headHash: hash)
        return seq
    }

    /// The type and sender of a stored message, to copy into its log events.
    func typeAndSender(of id: MessageID) throws(StoreError) -> (type: String, sender: String)? {
        let statement = try db.statement("SELECT type, sender FROM messages WHERE id = ?1")
        statement.bind(1, id.rawValue)
        defer { statement.reset() }
        return try statement.step() ? (statement.text(0), statement.text(1)) : nil
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
