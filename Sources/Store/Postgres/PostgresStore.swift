import Foundation
import Messages

/// The shared store for several gateway nodes: one PostgreSQL database, one writer connection per node doing
/// group commit on a dedicated thread, and a small pool of connections (each on its own thread) for queries
/// and claims.
///
/// Each node appends its own hash chain to the routing log; all write transactions of all nodes take one
/// advisory lock before appending, so sequence numbers follow commit order and log pages stay stable.
/// Claims use `FOR UPDATE SKIP LOCKED`, so deliverers on several nodes never wait for each other; an expired
/// lease is claimable by any node.
public final class PostgresStore: MessageStore {
    /// Tuning knobs.
    public struct Options: Sendable {
        /// How long a statement waits for a lock (another node's writer, a migrating node) before failing
        /// with ``StoreError/Code/locked``.
        public var lockTimeout: Duration
        /// How long opening a connection may take.
        public var connectTimeout: Duration
        /// The most work items committed in one transaction.
        public var maxBatch: Int
        /// How long the writer waits for more work after the first queued item before committing a batch
        /// that is not full (`.zero`: commit whatever queued up during the previous commit).
        public var maxBatchDelay: Duration
        /// Connections (and threads) for queries and claims.
        public var readers: Int

        /// Creates options.
        public init(
            lockTimeout: Duration = .seconds(5),
            connectTimeout: Duration = .seconds(5),
            maxBatch: Int = 256,
            maxBatchDelay: Duration = .zero,
            readers: Int = 4
        ) {
            self.lockTimeout = lockTimeout
            self.connectTimeout = connectTimeout
            self.maxBatch = maxBatch
            self.maxBatchDelay = maxBatchDelay
            self.readers = readers
        }
    }

    /// The connection URL with any password masked: safe to log.
    public let redactedURL: String
    /// This gateway node's name in the routing log (each node keeps its own hash chain).
    public let node: String
    private let writer: PostgresWriter
    let readers: PGWorkerPool

    /// Connects, migrates the schema (under an advisory lock, so nodes starting together take turns) and
    /// starts the writer.
    ///
    /// - Parameters:
    ///   - url: `postgres://user@host:port/database?sslmode=...`. The password comes from
    ///     `INTERCHANGE_PG_PASSWORD` or the file named by `INTERCHANGE_PG_PASSWORD_FILE`; it never appears in
    ///     errors or descriptions.
    ///   - node: This node's name in the routing log.
    ///   - options: Tuning.
    /// - Throws: ``StoreError`` — `unavailable` (cannot connect, bad URL), `schema_too_new`, `corrupt`
    ///   (someone else's tables), `locked` (another node holds the migration lock too long).
    public init(url: String, node: String = "local", options: Options = Options()) throws(StoreError) {
        let parsed = try PostgresURL(url)
        redactedURL = parsed.redacted
        self.node = node
        let db = try PGConnection(url: parsed, lockTimeout: options.lockTimeout, connectTimeout: options.connectTimeout)
        do throws(StoreError) {
            try PostgresSchema.migrate(db)
        } catch {
            db.close()
            throw error
        }
        writer = PostgresWriter(
            session: PostgresWriteSession(db: db, node: node),
            maxBatch: options.maxBatch,
            maxDelay: options.maxBatchDelay
        )
        let lockTimeout = options.lockTimeout
        let connectTimeout = options.connectTimeout
        readers = PGWorkerPool(size: options.readers, name: "interchange-pg-reader") { () throws(StoreError) in
            try PGConnection(url: parsed, lockTimeout: lockTimeout, connectTimeout: connectTimeout)
        }
        writer.start()
    }

    deinit { close() }

    /// `url` with any password (in the userinfo or a `password=` parameter) replaced by `***`: safe to print.
    public static func redacted(_ url: String) -> String { PostgresURL.redact(url) }

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
            var filled: [LogEvent] = []
            for event in events { filled.append(try session.filled(event, cache: &cache)) }
            try session.appendLog(filled)
        }
    }

    public func claim(destination: String, limit: Int, lease: Duration, now: Date) async throws(StoreError)
        -> [OutboxItem]
    {
        guard limit > 0 else { return [] }
        let parts = lease.components
        let leaseUntil = now.addingTimeInterval(Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
        return try await readers.run { db throws(StoreError) in
            try db.claim(destination: destination, limit: limit, leaseUntil: leaseUntil, now: now)
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

    // MARK: - Reads (on pool connections)

    public func message(_ id: MessageID) async throws(StoreError) -> StoredMessage? {
        try await readers.run { db throws(StoreError) in try db.storedMessage(id) }
    }

    public func deliveries(of id: MessageID) async throws(StoreError) -> [DeliveryRecord] {
        try await readers.run { db throws(StoreError) in try db.deliveries(of: id) }
    }

    public func timeline(of id: MessageID) async throws(StoreError) -> [LogEntry] {
        try await readers.run { db throws(StoreError) in try db.timeline(of: id) }
    }

    public func searchLog(_ filter: LogFilter, after cursor: LogCursor?, limit: Int) async throws(StoreError)
        -> LogPage
    {
        let limit = min(max(limit, 1), 1000)
        return try await readers.run { db throws(StoreError) in try db.searchLog(filter, after: cursor, limit: limit) }
    }

    public func outboxStats() async throws(StoreError) -> [DestinationStats] {
        let now = Date()
        return try await readers.run { db throws(StoreError) in try db.outboxStats(now: now) }
    }

    /// Walks every node's chain in one repeatable-read snapshot, so concurrent appends cannot split it.
    public func verifyLog() async throws(StoreError) -> LogVerification {
        try await readers.run { db throws(StoreError) in
            try db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do throws(StoreError) {
                let result = try db.verifyLog()
                try db.exec("COMMIT")
                return result
            } catch {
                _ = try? db.exec("ROLLBACK")
                throw error
            }
        }
    }

    public func close() {
        writer.stop()
        readers.stop()
    }
}
