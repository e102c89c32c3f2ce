/// Versioned schema migrations for PostgreSQL, mirroring ``SQLiteSchema`` step for step (same tables, same
/// columns; times are epoch-millisecond `BIGINT`s, bodies `BYTEA`). The version lives in
/// `interchange_schema`. Migrations run under a session advisory lock, so nodes starting together take turns.
enum PostgresSchema {
    /// Step `n` (1-based) brings a database from version `n - 1` to `n`.
    static let steps: [String] = [v1, v2, v3]

    /// The version this code writes.
    static var latest: Int { steps.count }

    /// `pg_advisory_lock` key held while migrating ("ICMIGRAT").
    static let migrationLock: Int64 = 0x4943_4D49_4752_4154
    /// `pg_advisory_xact_lock` key held by every transaction that appends to the routing log ("ICLOGAPP"), so
    /// sequence numbers are handed out in commit order across nodes.
    static let logLock: Int64 = 0x4943_4C4F_4741_5050

    /// The tables this store owns: finding any of them without `interchange_schema` means a foreign schema.
    static let ownTables = ["messages", "message_keys", "outbox", "log", "log_keys", "log_checkpoints"]

    /// Version 1: messages, business keys, outbox, routing log.
    static let v1 = """
        CREATE TABLE messages(
            id TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            sender TEXT NOT NULL,
            idem_key TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            correlation_id TEXT NOT NULL,
            received_at BIGINT NOT NULL,
            body BYTEA,
            attributes TEXT NOT NULL DEFAULT '{}',
            UNIQUE(sender, idem_key)
        );
        CREATE TABLE message_keys(
            message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY(message_id, kind, value)
        );
        CREATE INDEX message_keys_value ON message_keys(value, message_id);
        CREATE TABLE outbox(
            message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            destination TEXT NOT NULL,
            status TEXT NOT NULL CHECK(status IN ('pending', 'held', 'delivered', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0,
            claims BIGINT NOT NULL DEFAULT 0,
            received_at BIGINT NOT NULL,
            next_attempt_at BIGINT NOT NULL,
            lease_until BIGINT,
            last_status INTEGER,
            last_error TEXT,
            last_response TEXT,
            delivered_at BIGINT,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY(message_id, destination)
        );
        CREATE INDEX outbox_due ON outbox(destination, status, next_attempt_at);
        CREATE INDEX outbox_dead ON outbox(updated_at) WHERE status = 'dead';
        CREATE TABLE log(
            seq BIGINT PRIMARY KEY,
            node TEXT NOT NULL,
            at BIGINT NOT NULL,
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
        CREATE INDEX log_node ON log(node, seq);
        CREATE INDEX log_message ON log(message_id) WHERE message_id IS NOT NULL;
        CREATE INDEX log_sender ON log(sender);
        CREATE INDEX log_destination ON log(destination) WHERE destination IS NOT NULL;
        CREATE INDEX log_event ON log(event);
        CREATE INDEX log_type ON log(type);
        CREATE INDEX log_at ON log(at);
        CREATE TABLE log_keys(
            value TEXT NOT NULL,
            kind TEXT NOT NULL,
            seq BIGINT NOT NULL,
            PRIMARY KEY(value, seq, kind)
        );
        """

    /// Version 2: the destination's reference per delivery, and an index on receipt time.
    static let v2 = """
        ALTER TABLE outbox ADD COLUMN external_ref TEXT;
        CREATE INDEX messages_received_at ON messages(received_at);
        """

    /// Version 3: retention (see ``SQLiteSchema/v3``).
    static let v3 = """
        ALTER TABLE messages ADD COLUMN body_pruned_at BIGINT;
        CREATE INDEX messages_unpruned ON messages(received_at) WHERE body_pruned_at IS NULL;
        CREATE INDEX log_keys_seq ON log_keys(seq);
        CREATE TABLE log_checkpoints(
            node TEXT NOT NULL,
            seq BIGINT NOT NULL,
            hash TEXT NOT NULL,
            at BIGINT NOT NULL,
            count_pruned INTEGER NOT NULL,
            PRIMARY KEY(node, seq)
        );
        """

    /// Brings the database to `target` under the migration lock.
    ///
    /// - Throws: ``StoreError/Code/schemaTooNew`` for a newer database; ``StoreError/Code/corrupt`` when the
    ///   schema holds tables named like ours but no `interchange_schema` (someone else's); the server's error
    ///   otherwise.
    static func migrate(_ connection: PGConnection, to target: Int = latest) throws(StoreError) {
        try connection.exec("SELECT pg_advisory_lock(\(migrationLock))")
        defer { _ = try? connection.exec("SELECT pg_advisory_unlock(\(migrationLock))") }
        try connection.exec("BEGIN")
        do throws(StoreError) {
            let current = try version(connection)
            if current > latest {
                throw StoreError(
                    code: .schemaTooNew,
                    message: "\(connection.url.redacted) has schema version \(current), newer than this "
                        + "Interchange's \(latest); upgrade Interchange or use another database"
                )
            }
            if current < target {
                if current == 0 { try connection.exec("CREATE TABLE interchange_schema(version INTEGER NOT NULL)") }
                for version in (current + 1)...target {
                    try connection.exec(steps[version - 1])
                }
                try connection.exec("DELETE FROM interchange_schema")
                try connection.exec("INSERT INTO interchange_schema(version) VALUES (\(target))")
            }
            try connection.exec("COMMIT")
        } catch {
            _ = try? connection.exec("ROLLBACK")
            throw error
        }
    }

    /// The schema version (0 when the database is empty of our tables).
    static func version(_ connection: PGConnection) throws(StoreError) -> Int {
        let exists = try connection.exec("SELECT to_regclass('interchange_schema') IS NOT NULL")
        if exists.text(0, 0) == "t" {
            let row = try connection.exec("SELECT COALESCE(MAX(version), 0) FROM interchange_schema")
            return row.int(0, 0)
        }
        let names = ownTables.map { "'\($0)'" }.joined(separator: ", ")
        let foreign = try connection.exec(
            "SELECT string_agg(table_name, ', ') FROM information_schema.tables "
                + "WHERE table_schema = current_schema() AND table_name IN (\(names))"
        )
        if let tables = foreign.optionalText(0, 0) {
            throw StoreError(
                code: .corrupt,
                message: "\(connection.url.redacted) has tables named like an Interchange store's (\(tables)) "
                    + "but no interchange_schema version: not an Interchange store; refusing to touch it"
            )
        }
        return 0
    }
}
