import Foundation
import Messages
import Testing
@testable import Store

/// Retention on both stores: bodies pruned only once every delivery is finished, metadata deleted in batches
/// without touching unfinished messages, and the routing log's chain still verifiable (and tampering still
/// detected) after its oldest entries are gone.
@Suite struct RetentionTests {
    /// Everything before this is old enough to prune.
    private let cutoff = t0.addingTimeInterval(3600)

    /// Admits a message to destination `x` (held if asked), received `offset` seconds after t0.
    private func admit(
        _ store: any MessageStore,
        _ key: String,
        offset: TimeInterval,
        destinations: [OutboxTarget] = [OutboxTarget(destination: "x")]
    ) async throws -> MessageID {
        let message = makeMessage(key: key, receivedAt: t0.addingTimeInterval(offset))
        return try await store.admit([makeAdmission(message, destinations: destinations)])[0].id
    }

    /// Claims every due row of `x` and applies `dispositions` to those named; the rest stay pending.
    private func finish(_ store: any MessageStore, _ dispositions: [MessageID: AttemptOutcome.Disposition]) async throws {
        let items = try await store.claim(destination: "x", limit: 1000, lease: .seconds(30), now: Date())
        let outcomes = items.compactMap { item in
            dispositions[item.message.id].map { AttemptOutcome(item: item, disposition: $0) }
        }
        try await store.complete(outcomes)
    }

    private func prunedEvents(_ store: any MessageStore) async throws -> [LogEntry] {
        try await store.searchLog(LogFilter(event: "pruned", oldestFirst: true), after: nil, limit: 100).entries
    }

    @Test(arguments: StoreKind.available) func prunesOnlyBodiesWhoseDeliveriesAreFinished(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let delivered = try await admit(store, "LK-delivered", offset: 0)
            let pending = try await admit(store, "LK-pending", offset: 1)
            let dead = try await admit(store, "LK-dead", offset: 2)
            let held = try await admit(store, "LK-held", offset: 3, destinations: [OutboxTarget(destination: "x", held: true)])
            let unrouted = try await admit(store, "LK-unrouted", offset: 4, destinations: [])
            let recent = try await admit(store, "LK-recent", offset: 7200)
            try await finish(store, [delivered: .delivered(at: Date()), dead: .dead(reason: "gone"), recent: .delivered(at: Date())])

            // Batches of 2, oldest first, until nothing is left.
            #expect(try await store.pruneBodies(receivedBefore: cutoff, limit: 2) == 2)
            #expect(try await store.pruneBodies(receivedBefore: cutoff, limit: 2) == 1)
            #expect(try await store.pruneBodies(receivedBefore: cutoff, limit: 2) == 0)

            for id in [delivered, dead, unrouted] {
                let stored = try #require(try await store.message(id))
                #expect(stored.message.body.isEmpty)
                #expect(stored.bodyPrunedAt != nil)
                #expect(stored.message.businessKeys.isEmpty == false)  // metadata stays
            }
            for (id, key) in [(pending, "LK-pending"), (held, "LK-held"), (recent, "LK-recent")] {
                let stored = try #require(try await store.message(id))
                #expect(stored.message.body == makeMessage(key: key).body)
                #expect(stored.bodyPrunedAt == nil)
            }
            // One summary event per batch that pruned something.
            let events = try await prunedEvents(store)
            #expect(events.count == 2)
            #expect(events.first?.detail.contains(#""what":"bodies","count":2"#) == true)
            #expect(events.first?.detail.contains(#""cutoff":"2026-"#) == true)

            // A pruned body cannot be delivered again: replay refuses, bulk replay skips it.
            let refusal = await #expect(throws: StoreError.self) {
                try await store.replay(delivered, destination: nil, by: "op")
            }
            #expect(refusal?.code == .bodyPruned)
            #expect(refusal?.message.contains("body pruned by retention") == true)
            #expect(try await store.replayDeadLetters(destination: nil, since: nil, until: nil, by: "op") == 0)
            #expect(try await store.deliveries(of: dead).map(\.status) == [.dead])
            // The unpruned ones still replay, and the log still verifies.
            #expect(try await store.replay(recent, destination: nil, by: "op") == 1)
            #expect(try await store.verifyLog().ok)
        }
    }

    @Test(arguments: StoreKind.available) func metadataPruningKeepsUnfinishedMessagesAndTheChainVerifies(kind: StoreKind)
        async throws
    {
        try await withStore(kind) { store, database in
            var finished: [MessageID] = []
            for index in 0..<5 { finished.append(try await admit(store, "LK-f\(index)", offset: Double(index))) }
            let stuck = try await admit(store, "LK-stuck", offset: 10)
            try await store.appendLog([
                LogEvent(at: t0.addingTimeInterval(20), event: "rejected", keys: [BusinessKey(kind: "citizen", value: "C1")]),
            ])
            let recent = try await admit(store, "LK-recent", offset: 7200)
            var dispositions: [MessageID: AttemptOutcome.Disposition] = [recent: .delivered(at: Date())]
            for id in finished { dispositions[id] = .delivered(at: Date()) }
            try await finish(store, dispositions)
            let before = try await store.searchLog(LogFilter(oldestFirst: true), after: nil, limit: 1000).entries
            let old = before.prefix { $0.at < cutoff }
            #expect(old.count == 13)  // 6 messages x (received, stored) + the rejection

            var total = 0
            var batches = 0
            while true {
                let deleted = try await store.pruneMetadata(before: cutoff, limit: 4)
                #expect(deleted <= 8)
                if deleted == 0 { break }
                total += deleted
                batches += 1
            }
            #expect(total == 5 + 13)
            #expect(batches >= 4)

            for id in finished {
                #expect(try await store.message(id) == nil)
                #expect(try await store.deliveries(of: id).isEmpty)
            }
            #expect(try await store.message(stuck) != nil)  // still pending: kept, whatever its age
            #expect(try await store.deliveries(of: stuck).map(\.status) == [.pending])
            #expect(try await store.message(recent) != nil)
            #expect(try await store.searchLog(LogFilter(until: cutoff), after: nil, limit: 10).entries.isEmpty)
            #expect(try await store.searchLog(LogFilter(key: "C1"), after: nil, limit: 10).entries.isEmpty)
            let summaries = try await prunedEvents(store)
            #expect(summaries.filter { $0.detail.contains(#""what":"metadata""#) }.count == batches)

            // The chain verifies from the checkpoint, and keeps growing from it.
            let verified = try await store.verifyLog()
            #expect(verified.ok, "\(verified)")
            #expect(try database.count("SELECT count(*) FROM log_checkpoints") == batches)
            #expect(try database.count("SELECT SUM(count_pruned) FROM log_checkpoints") == 13)
            _ = try await admit(store, "LK-after", offset: 9000)
            #expect(try await store.verifyLog().ok)
        }
    }

    @Test(arguments: StoreKind.available) func aNodeWhoseWholeChainWasPrunedContinuesFromItsCheckpoint(kind: StoreKind)
        async throws
    {
        let database = try TestDatabase(kind)
        defer { database.remove() }
        do {
            let a = try database.open(node: "a")
            defer { a.close() }
            try await a.appendLog((0..<5).map { LogEvent(at: t0.addingTimeInterval(Double($0)), event: "rejected") })
        }
        do {
            let b = try database.open(node: "b")
            defer { b.close() }
            #expect(try await b.pruneMetadata(before: cutoff, limit: 100) == 5)
            #expect(try await b.verifyLog().ok)
        }
        // Node a has no entry left; reopened, it must chain onto its checkpoint with fresh sequence numbers.
        let a = try database.open(node: "a")
        defer { a.close() }
        try await a.appendLog([LogEvent(event: "rejected")])
        let entries = try await a.searchLog(LogFilter(oldestFirst: true), after: nil, limit: 10).entries
        #expect(entries.map(\.seq) == [6, 7])  // b's summary, then a's new entry
        let verified = try await a.verifyLog()
        #expect(verified.ok, "\(verified)")
    }

    /// A store with its oldest entries pruned behind a checkpoint, and the sequence numbers of what remains.
    private func pruned(_ store: any MessageStore) async throws -> [Int64] {
        try await store.appendLog((0..<10).map { LogEvent(at: t0.addingTimeInterval(Double($0 * 1000)), event: "rejected") })
        #expect(try await store.pruneMetadata(before: cutoff, limit: 100) == 4)  // at 0, 1000, 2000, 3000
        let remaining = try await store.searchLog(LogFilter(oldestFirst: true), after: nil, limit: 100).entries.map(\.seq)
        #expect(remaining == [5, 6, 7, 8, 9, 10, 11])
        #expect(try await store.verifyLog().ok)
        return remaining
    }

    @Test(arguments: StoreKind.available) func editingARetainedEntryIsStillDetected(kind: StoreKind) async throws {
        try await withStore(kind) { store, database in
            _ = try await pruned(store)
            try database.execute("UPDATE log SET detail = '{\"forged\":true}' WHERE seq = 7")
            let result = try await store.verifyLog()
            #expect(!result.ok)
            #expect(result.firstBad == 7)
            #expect(result.reason?.contains("edited") == true)
        }
    }

    @Test(arguments: StoreKind.available) func deletingARetainedEntryIsStillDetected(kind: StoreKind) async throws {
        try await withStore(kind) { store, database in
            _ = try await pruned(store)
            try database.execute("DELETE FROM log WHERE seq = 7")
            let middle = try await store.verifyLog()
            #expect(!middle.ok)
            #expect(middle.firstBad == 8)
            // Deleting the first retained entry breaks the link to the checkpoint.
            try database.execute("DELETE FROM log WHERE seq = 5")
            let first = try await store.verifyLog()
            #expect(first.firstBad == 6)
            #expect(first.reason?.contains("checkpoint") == true)
        }
    }

    @Test(arguments: StoreKind.available) func tamperingWithTheCheckpointIsDetected(kind: StoreKind) async throws {
        try await withStore(kind) { store, database in
            _ = try await pruned(store)
            try database.execute("UPDATE log_checkpoints SET hash = '\(String(repeating: "ab", count: 32))'")
            let forged = try await store.verifyLog()
            #expect(!forged.ok)
            #expect(forged.firstBad == 5)
            #expect(forged.reason?.contains("checkpoint") == true)
            // Without any checkpoint the first retained entry no longer links to genesis either.
            try database.execute("DELETE FROM log_checkpoints")
            let missing = try await store.verifyLog()
            #expect(missing.firstBad == 5)
            // A checkpoint moved past retained entries is caught too.
            try database.execute(
                "INSERT INTO log_checkpoints(node, seq, hash, at, count_pruned) VALUES ('local', 6, 'x', 0, 1)"
            )
            #expect(try await store.verifyLog().firstBad == 5)
        }
    }

    @Test(arguments: StoreKind.available) func ingestInterleavesWithPruning(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let admissions = (0..<200).map { index in
                makeAdmission(makeMessage(key: "LK-old\(index)", receivedAt: t0.addingTimeInterval(Double(index))),
                              destinations: [OutboxTarget(destination: "x")])
            }
            let old = try await store.admit(admissions).map(\.id)
            try await finish(store, Dictionary(uniqueKeysWithValues: old.map { ($0, .delivered(at: Date())) }))
            let admitted = Task {
                var ids: [MessageID] = []
                for index in 0..<100 {
                    let message = makeMessage(key: "LK-new\(index)", receivedAt: Date())
                    ids.append(try await store.admit([makeAdmission(message, destinations: [])])[0].id)
                }
                return ids
            }
            var bodies = 0
            var metadata = 0
            var count = 0
            repeat {
                count = try await store.pruneBodies(receivedBefore: cutoff, limit: 10)
                bodies += count
            } while count > 0
            repeat {
                count = try await store.pruneMetadata(before: cutoff, limit: 10)
                metadata += count
            } while count > 0
            let ids = try await admitted.value
            #expect(bodies == 200)
            #expect(metadata == 200 + 400)
            #expect(Set(ids).count == 100)
            for id in ids.prefix(5) { #expect(try await store.message(id) != nil) }
            let verified = try await store.verifyLog()
            #expect(verified.ok, "\(verified)")
        }
    }
}

/// Schema version 3 (retention) applied to a version-2 database keeps its rows and makes them prunable.
@Suite struct RetentionMigrationTests {
    /// Writes one finished message the way a version-2 store would.
    private func insertV2Rows(_ message: CanonicalMessage, exec: (String) throws -> Void, millis: Int64, body: String)
        throws
    {
        let hash = LogChain.hash(
            prevHash: LogChain.genesis, seq: 1, node: "local", atMillis: millis, messageId: message.id.rawValue,
            destination: nil, event: "stored", type: nil, sender: nil, detail: "{}", actor: nil
        )
        try exec(
            """
            INSERT INTO messages(id, type, sender, idem_key, content_hash, correlation_id, received_at, body)
            VALUES ('\(message.id)', 'hospital.visit', '\(message.sender)', 'LK-v2', '\(message.contentHash)', 'c',
                    \(millis), \(body));
            INSERT INTO outbox(message_id, destination, status, received_at, next_attempt_at, updated_at, external_ref)
            VALUES ('\(message.id)', 'bhxh', 'delivered', 0, 0, 0, 'ref');
            INSERT INTO log(seq, node, at, message_id, event, detail, prev_hash, hash)
            VALUES (1, 'local', \(millis), '\(message.id)', 'stored', '{}', '\(LogChain.genesis)', '\(hash)');
            """
        )
    }

    /// After migrating: the old row is there, prunable, and the old log verifies and prunes behind a checkpoint.
    private func checkMigrated(_ store: any MessageStore, _ message: CanonicalMessage) async throws {
        let before = try #require(try await store.message(message.id))
        #expect(before.message.body == Array("{}".utf8))
        #expect(before.bodyPrunedAt == nil)
        #expect(try await store.verifyLog().ok)
        let cutoff = t0.addingTimeInterval(60)
        #expect(try await store.pruneBodies(receivedBefore: cutoff, limit: 10) == 1)
        #expect(try await store.message(message.id)?.bodyPrunedAt != nil)
        #expect(try await store.pruneMetadata(before: cutoff, limit: 10) == 2)  // the message and its log entry
        #expect(try await store.message(message.id) == nil)
        let verified = try await store.verifyLog()
        #expect(verified.ok, "\(verified)")
    }

    @Test func sqliteMigratesAVersionTwoDatabase() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let message = makeMessage(key: "LK-v2")
        do {
            let v2 = try SQLiteStore.openWriteConnection(path: dir.path(), options: .init(), schemaVersion: 2)
            defer { v2.close() }
            #expect(try v2.integer("SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'body_pruned_at'") == 0)
            try insertV2Rows(message, exec: { try v2.exec($0) }, millis: SQLiteStatement.millis(t0), body: "x'7b7d'")
        }
        let store = try SQLiteStore(path: dir.path())
        defer { store.close() }
        let raw = try rawConnection(dir.path())
        defer { raw.close() }
        #expect(try raw.integer("PRAGMA user_version") == 3)
        #expect(try raw.integer("SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'body_pruned_at'") == 1)
        #expect(try raw.integer("SELECT count(*) FROM sqlite_schema WHERE name IN ('log_checkpoints', 'log_keys_seq')") == 2)
        try await checkMigrated(store, message)
    }

    @Test(.enabled(if: StoreKind.postgresURL != nil)) func postgresMigratesAVersionTwoDatabase() async throws {
        let database = try TestDatabase(.postgres)
        defer { database.remove() }
        let message = makeMessage(key: "LK-v2")
        do {
            let v2 = try TestDatabase.connect(database.location)
            defer { v2.close() }
            try PostgresSchema.migrate(v2, to: 2)
            #expect(try PostgresSchema.version(v2) == 2)
            try insertV2Rows(message, exec: { try v2.exec($0) }, millis: PGParam.millis(t0), body: "'\\x7b7d'")
        }
        let store = try database.open()
        defer { store.close() }
        let raw = try TestDatabase.connect(database.location)
        defer { raw.close() }
        #expect(try PostgresSchema.version(raw) == 3)
        #expect(try database.count("SELECT count(*) FROM information_schema.columns WHERE column_name = 'body_pruned_at'") == 1)
        try await checkMigrated(store, message)
    }
}
