/// Versioned schema migrations, recorded in `PRAGMA user_version`. Each step runs once, in order, inside the
/// opening transaction; a database newer than ``latest`` is refused, never downgraded.
enum SQLiteSchema {
    /// Step `n` (1-based) brings a database from version `n - 1` to `n`.
    static let steps: [String] = [v1, v2, v3]

    /// The version this code writes.
    static var latest: Int { steps.count }

    /// Version 1: messages, business keys, outbox, routing log.
    static let v1 = """
        CREATE TABLE messages(
            id TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            sender TEXT NOT NULL,
            idem_key TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            correlation_id TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            body BLOB,
            attributes TEXT NOT NULL DEFAULT '{}',
            UNIQUE(sender, idem_key)
        );
        CREATE TABLE message_keys(
            message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY(message_id, kind, value)
        ) WITHOUT ROWID;
        CREATE INDEX message_keys_value ON message_keys(value, message_id);
        CREATE TABLE outbox(
            message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            destination TEXT NOT NULL,
            status TEXT NOT NULL CHECK(status IN ('pending', 'held', 'delivered', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0,
            claims INTEGER NOT NULL DEFAULT 0,
            received_at INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            lease_until INTEGER,
            last_status INTEGER,
            last_error TEXT,
            last_response TEXT,
            delivered_at INTEGER,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY(message_id, destination)
        );
        CREATE INDEX outbox_due ON outbox(destination, status, next_attempt_at);
        CREATE INDEX outbox_dead ON outbox(updated_at) WHERE status = 'dead';
        CREATE TABLE log(
            seq INTEGER PRIMARY KEY,
            node TEXT NOT NULL,
            at INTEGER NOT NULL,
            message_id TEXT,
            destination TEXT,
            event TEXT NOT NULL,
            type TEXT,
            sender TEXT,
            detail TEXT NOT NULL,
            actor TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX log_message ON log(message_id) WHERE message_id IS NOT NULL;
        CREATE INDEX log_sender ON log(sender);
        CREATE INDEX log_destination ON log(destination) WHERE destination IS NOT NULL;
        CREATE INDEX log_event ON log(event);
        CREATE INDEX log_type ON log(type);
        CREATE INDEX log_at ON log(at);
        CREATE TABLE log_keys(
            value TEXT NOT NULL,
            kind TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY(value, seq, kind)
        ) WITHOUT ROWID;
        """

    /// Version 2: the destination's reference per delivery (BHXH `maGiaoDich`), and an index on receipt
    /// time for retention and backlog queries.
    static let v2 = """
        ALTER TABLE outbox ADD COLUMN external_ref TEXT;
        CREATE INDEX messages_received_at ON messages(received_at);
        """

    /// Version 3: retention. When a body was pruned (with an index that finds the unpruned oldest first), the
    /// log checkpoints that keep each node's chain verifiable after its oldest entries are deleted, and an
    /// index to delete a log prefix's `log_keys`.
    static let v3 = """
        ALTER TABLE messages ADD COLUMN body_pruned_at INTEGER;
        CREATE INDEX messages_unpruned ON messages(received_at) WHERE body_pruned_at IS NULL;
        CREATE INDEX log_keys_seq ON log_keys(seq);
        CREATE TABLE log_checkpoints(
            node TEXT NOT NULL,
            seq INTEGER NOT NULL,
            hash TEXT NOT NULL,
            at INTEGER NOT NULL,
            count_pruned INTEGER NOT NULL,
            PRIMARY KEY(node, seq)
        );
        """

    /// Brings the database to `target` (``latest`` unless a test wants an older schema).
    ///
    /// - Throws: ``StoreError/Code/schemaTooNew`` if the file is newer than this code; the SQLite error
    ///   otherwise (``StoreError/Code/locked`` if another writer holds the lock).
    static func migrate(_ connection: SQLiteConnection, to target: Int = latest) throws(StoreError) {
        try connection.exec("BEGIN IMMEDIATE")
        do throws(StoreError) {
            let current = Int(try connection.integer("PRAGMA user_version") ?? 0)
            if current > latest {
                throw StoreError(
                    code: .schemaTooNew,
                    message: "\(connection.path) has schema version \(current), newer than this Interchange's "
                        + "\(latest); upgrade Interchange or use another file",
                    path: connection.path
                )
            }
            if current < target {
                for version in (current + 1)...target {
                    try connection.exec(steps[version - 1])
                }
                try connection.exec("PRAGMA user_version = \(target)")
            }
            try connection.exec("COMMIT")
        } catch {
            if !connection.isAutocommit { try? connection.exec("ROLLBACK") }
            throw error
        }
    }
}
