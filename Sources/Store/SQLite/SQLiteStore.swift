import CSQLite
import Foundation
import Messages

/// The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, one writer thread doing group
/// commit, and a pool of read-only connections for queries.
///
/// Opening never re-creates or repairs a file: a file that is not an Interchange database, one that is
/// locked by another writer, or one with a newer schema is refused with a ``StoreError`` naming it.
public final class SQLiteStore: MessageStore {
    /// Tuning knobs.
    public struct Options: Sendable {
        /// How long a connection waits for another connection's lock before failing with
        /// ``StoreError/Code/locked``.
        public var busyTimeout: Duration
        /// The most work items committed in one transaction.
        public var maxBatch: Int
        /// How long the writer waits for more work after the first queued item before committing a batch
        /// that is not full. The default `.zero` commits whatever is queued as soon as the previous commit
        /// ends: under load the previous fsync is the batching window, and a lone request is not delayed.
        /// (Measured with 64 callers: a 2 ms window filled batches to 64 but lowered throughput.)
        public var maxBatchDelay: Duration
        /// The most read-only connections (concurrent queries).
        public var readers: Int

        /// Creates options.
        public init(
            busyTimeout: Duration = .seconds(5),
            maxBatch: Int = 256,
            maxBatchDelay: Duration = .zero,
            readers: Int = 4
        ) {
            self.busyTimeout = busyTimeout
            self.maxBatch = maxBatch
            self.maxBatchDelay = maxBatchDelay
            self.readers = readers
        }
    }

    /// The database file.
    public let path: String
    /// This gateway node's name in the routing log (each node keeps its own hash chain).
    public let node: String
    private let writer: SQLiteWriter
    let readers: SQLiteReaderPool

    /// Opens (creating if absent) the database at `path` and migrates it to the current schema.
    ///
    /// - Parameters:
    ///   - path: The database file; its directory must exist.
    ///   - node: This node's name in the routing log.
    ///   - options: Tuning.
    /// - Throws: ``StoreError`` — `corrupt` (not a database, or not Interchange's), `locked`,
    ///   `schema_too_new`, `unavailable` — with a message naming the file.
    public init(path: String, node: String = "local", options: Options = Options()) throws(StoreError) {
        self.path = path
        self.node = node
        let db = try SQLiteStore.openWriteConnection(path: path, options: options)
        let session = try SQLiteWriteSession(db: db, node: node)
        writer = SQLiteWriter(session: session, maxBatch: options.maxBatch, maxDelay: options.maxBatchDelay)
        readers = SQLiteReaderPool(path: path, size: options.readers, busyTimeout: options.busyTimeout)
        writer.start()
    }

    /// Opens, configures and migrates the write connection (internal so tests can stop at an older schema).
    static func openWriteConnection(
        path: String,
        options: Options,
        schemaVersion: Int = SQLiteSchema.latest
    ) throws(StoreError) -> SQLiteConnection {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StoreError(code: .unavailable, message: "\(path) is a directory, not a database file", path: path)
        }
        let db = try SQLiteConnection(path: path, readOnly: false, busyTimeout: options.busyTimeout)
        do throws(StoreError) {
            // SQLite silently falls back to read-only when the file is not writable: fail now, not at the first 202.
            if sqlite3_db_readonly(db.handle, "main") == 1 {
                throw StoreError(code: .unavailable, message: "\(path) is not writable (opened read-only)", path: path)
            }
            // The first statement reads the header: a foreign file fails here with SQLITE_NOTADB.
            let mode = try db.statement("PRAGMA journal_mode = WAL")
            let journal = try mode.step() ? mode.text(0) : ""
            mode.reset()
            guard journal.lowercased() == "wal" else {
                throw StoreError(
                    code: .unavailable,
                    message: "\(path): cannot switch to WAL journal mode (got '\(journal)')",
                    path: path
                )
            }
            // The writer keeps hot index pages cached (default 2 MB re-reads them); cap the WAL file after checkpoints.
            try db.exec(
                "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768; "
                    + "PRAGMA journal_size_limit = 67108864"
            )
            try SQLiteStore.checkOwnership(db)
            try SQLiteSchema.migrate(db, to: schemaVersion)
            return db
        } catch {
            db.close()
            throw error
        }
    }

    /// A database without our schema version but with tables belongs to someone else: never write into it.
    private static func checkOwnership(_ db: SQLiteConnection) throws(StoreError) {
        let version = try db.integer("PRAGMA user_version") ?? 0
        guard version == 0 else { return }
        let tables = try db.integer("SELECT count(*) FROM sqlite_schema") ?? 0
        if tables > 0 {
            throw StoreError(
                code: .corrupt,
                message: "\(db.path) is an SQLite database, but not an Interchange store (no schema version, "
                    + "\(tables) foreign objects); refusing to touch it",
                path: db.path
            )
        }
    }

    deinit { close() }

    /// Group-commit counters: transactions, items per transaction, failures.
    public var commitStats: CommitStats { writer.stats }

    // MARK: - Writes (through the writer thread)

    public func admit(_ admissions: [Admission]) async throws(StoreError) -> [AdmissionResult] {
        guard !admissions.isEmpty else { return [] }
        var prepared: [PreparedAdmission] = []
        prepared.reserveCapacity(admissions.count)
        for admission in admissions { prepared.append(try PreparedAdmission(admission)) }
        let ready = prepared
        return try await writer.submit { session throws(StoreError) in try session.admit(ready) }
    }

    public func appendLog(_ events: [LogEvent]) async throws(StoreError) {
        guard !events.isEmpty else { return }
        try await writer.submit { session throws(StoreError) in
            var cache: [MessageID: (type: String, sender: String)] = [:]
            for event in events {
                try session.appendLog(try session.filled(event, cache: &cache))
            }
        }
    }

    public func claim(destination: String, limit: Int, lease: Duration, now: Date) async throws(StoreError)
        -> [OutboxItem]
    {
        guard limit > 0 else { return [] }
        let parts = lease.components
        let leaseUntil = now.addingTimeInterval(Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
        let rows = try await writer.submit { session throws(StoreError) in
            try session.claim(destination: destination, limit: limit, leaseUntil: leaseUntil, now: now)
        }
        guard !rows.isEmpty else { return [] }
        let ids = rows.map(\.messageId)
        let messages = try await readers.read { db throws(StoreError) in try db.messages(ids) }
        return rows.compactMap { row in
            guard let message = messages[row.messageId] else { return nil }
            return OutboxItem(
                message: message,
                destination: destination,
                attempt: row.attempt,
                claimToken: row.claimToken,
                leaseUntil: leaseUntil,
                lastStatus: row.lastStatus,
                externalRef: row.externalRef
            )
        }
    }

    public func complete(_ outcomes: [AttemptOutcome]) async throws(StoreError) {
        guard !outcomes.isEmpty else { return }
        try await writer.submit { session throws(StoreError) in try session.complete(outcomes) }
    }

    public func replay(_ id: MessageID, destination: String?, by actor: String) async throws(StoreError) -> Int {
        try await writer.submit { session throws(StoreError) in
            try session.requeue(try session.replayable(id, destination: destination), by: actor, now: Date())
        }
    }

    public func replayDeadLetters(destination: String?, since: Date?, until: Date?, by actor: String)
        async throws(StoreError) -> Int
    {
        try await writer.submit { session throws(StoreError) in
            let rows = try session.deadLetters(destination: destination, since: since, until: until)
            return try session.requeue(rows, by: actor, now: Date())
        }
    }

    public func pruneBodies(receivedBefore: Date, limit: Int) async throws(StoreError) -> Int {
        guard limit > 0 else { return 0 }
        return try await writer.submit { session throws(StoreError) in
            try session.pruneBodies(receivedBefore: receivedBefore, limit: limit, now: Date())
        }
    }

    public func pruneMetadata(before: Date, limit: Int) async throws(StoreError) -> Int {
        guard limit > 0 else { return 0 }
        return try await writer.submit { session throws(StoreError) in
            try session.pruneMetadata(before: before, limit: limit, now: Date())
        }
    }

    // MARK: - Reads (on reader connections)

    public func message(_ id: MessageID) async throws(StoreError) -> StoredMessage? {
        try await readers.read { db throws(StoreError) in try db.storedMessage(id) }
    }

    public func deliveries(of id: MessageID) async throws(StoreError) -> [DeliveryRecord] {
        try await readers.read { db throws(StoreError) in try db.deliveries(of: id) }
    }

    public func timeline(of id: MessageID) async throws(StoreError) -> [LogEntry] {
        try await readers.read { db throws(StoreError) in try db.timeline(of: id) }
    }

    public func searchLog(_ filter: LogFilter, after cursor: LogCursor?, limit: Int) async throws(StoreError)
        -> LogPage
    {
        let limit = min(max(limit, 1), 1000)
        return try await readers.read { db throws(StoreError) in
            try db.searchLog(filter, after: cursor, limit: limit)
        }
    }

    public func outboxStats() async throws(StoreError) -> [DestinationStats] {
        let now = Date()
        return try await readers.read { db throws(StoreError) in try db.outboxStats(now: now) }
    }

    public func verifyLog() async throws(StoreError) -> LogVerification {
        try await readers.read { db throws(StoreError) in try db.verifyLog() }
    }

    public func close() {
        writer.stop()
        readers.close()
    }
}
