import Foundation
import Messages
import Testing
@testable import Store

/// PostgreSQL-only behaviour: URLs and secrets, several nodes on one database, migrations, reconnection.
@Suite struct PostgresTests {
    private static let serverSet = StoreKind.postgresURL != nil

    @Test(.enabled(if: serverSet, "INTERCHANGE_TEST_PG is not set: the PostgreSQL store cases are skipped (make test sets it)"))
    func serverIsReachableAndRecentEnough() throws {
        let connection = try TestDatabase.connect(try TestDatabase.serverURL())
        defer { connection.close() }
        let version = try connection.exec("SHOW server_version_num").int(0, 0)
        #expect(version >= 150_000)
    }

    @Test func passwordsNeverAppearInErrorsOrDescriptions() throws {
        let url = "postgres://gateway:s3cr%2Ft-pw@127.0.0.1:1/interchange?sslmode=disable"
        let parsed = try PostgresURL(url, environment: [:])
        #expect(parsed.password == "s3cr/t-pw")
        #expect(parsed.redacted == "postgres://gateway:***@127.0.0.1:1/interchange?sslmode=disable")
        #expect(PostgresURL.redact("postgres://u@h/db?password=abc&sslmode=require") == "postgres://u@h/db?password=***&sslmode=require")
        // Nothing listens on port 1: the connection error names the server but not the secret.
        let error = #expect(throws: StoreError.self) { try PostgresStore(url: url) }
        #expect(error?.code == .unavailable)
        let text = "\(String(describing: error)) \(error?.message ?? "")"
        #expect(text.contains("127.0.0.1"))
        #expect(!text.contains("s3cr"))
        #expect(text.contains("***"))
    }

    @Test func passwordComesFromTheEnvironmentOrAFile() throws {
        let url = "postgres://gateway:from-url@db.example:5432/interchange"
        #expect(try PostgresURL(url, environment: ["INTERCHANGE_PG_PASSWORD": "from-env"]).password == "from-env")
        let dir = try TempDir()
        defer { dir.remove() }
        try Data("from-file\n".utf8).write(to: URL(fileURLWithPath: dir.path("pw")))
        let fromFile = try PostgresURL(url, environment: ["INTERCHANGE_PG_PASSWORD_FILE": dir.path("pw")])
        #expect(fromFile.password == "from-file")
        #expect(fromFile.scrub("auth failed for from-file") == "auth failed for ***")
        let missing = #expect(throws: StoreError.self) {
            try PostgresURL(url, environment: ["INTERCHANGE_PG_PASSWORD_FILE": dir.path("absent")])
        }
        #expect(missing?.message.contains("INTERCHANGE_PG_PASSWORD_FILE") == true)
        #expect(throws: StoreError.self) { try PostgresURL("mysql://x@y/z", environment: [:]) }
    }

    @Test(.enabled(if: serverSet)) func nodesStartingTogetherMigrateOnce() async throws {
        let database = try TestDatabase(.postgres)
        defer { database.remove() }
        let stores = try await withThrowingTaskGroup(of: (any TestableStore).self) { group in
            for index in 0..<4 { group.addTask { try database.open(node: "node-\(index)") } }
            var stores: [any TestableStore] = []
            for try await store in group { stores.append(store) }
            return stores
        }
        defer { stores.forEach { $0.close() } }
        let raw = try TestDatabase.connect(database.location)
        defer { raw.close() }
        #expect(try raw.exec("SELECT version FROM interchange_schema").int(0, 0) == PostgresSchema.latest)
        #expect(try raw.exec("SELECT count(*) FROM interchange_schema").int(0, 0) == 1)
    }

    @Test(.enabled(if: serverSet)) func twoNodesShareOneDatabase() async throws {
        let database = try TestDatabase(.postgres)
        defer { database.remove() }
        let a = try database.open(node: "node-a")
        defer { a.close() }
        let b = try database.open(node: "node-b")
        defer { b.close() }
        let perNode = 60
        // Both nodes admit concurrently, and both try the same keys: exactly one of each pair is stored.
        let results = try await withThrowingTaskGroup(of: AdmissionResult.self) { group in
            for index in 0..<perNode {
                for store in [a, b] {
                    group.addTask { try await store.admit([makeAdmission(makeMessage(key: "LK-\(index)"))])[0] }
                }
                group.addTask { try await a.admit([makeAdmission(makeMessage(key: "LK-a\(index)"))])[0] }
                group.addTask { try await b.admit([makeAdmission(makeMessage(key: "LK-b\(index)"))])[0] }
            }
            var results: [AdmissionResult] = []
            for try await result in group { results.append(result) }
            return results
        }
        let stored = results.filter { if case .stored = $0 { true } else { false } }
        #expect(stored.count == 3 * perNode)
        #expect(results.count - stored.count == perNode)

        // One log, two chains, gapless sequence numbers in commit order.
        let verification = try await a.verifyLog()
        #expect(verification.ok)
        #expect(verification.checked == 3 * perNode * 2 + perNode)
        let page = try await b.searchLog(LogFilter(oldestFirst: true), after: nil, limit: 1000)
        #expect(page.entries.map(\.seq) == Array(1...Int64(verification.checked)))
        #expect(Set(page.entries.map(\.node)) == ["node-a", "node-b"])

        // Deliverers on both nodes claim concurrently: every row exactly once (SKIP LOCKED, no waiting).
        let now = Date().addingTimeInterval(60)
        let claimed = try await withThrowingTaskGroup(of: [MessageID].self) { group in
            for store in [a, b, a, b] {
                group.addTask {
                    var ids: [MessageID] = []
                    while true {
                        let items = try await store.claim(destination: "bhxh", limit: 7, lease: .seconds(30), now: now)
                        if items.isEmpty { return ids }
                        ids += items.map(\.message.id)
                    }
                }
            }
            var all: [MessageID] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(claimed.count == 3 * perNode)
        #expect(Set(claimed).count == 3 * perNode)
        // An expired lease is claimable by the other node, with a newer fencing token.
        let later = now.addingTimeInterval(31)
        let reclaimed = try await b.claim(destination: "bhxh", limit: 1000, lease: .seconds(30), now: later)
        #expect(reclaimed.count == 3 * perNode)
        #expect(reclaimed.allSatisfy { $0.claimToken == 2 && $0.attempt == 2 })
    }

    @Test(.enabled(if: serverSet)) func migratesAVersionOneDatabaseKeepingItsRows() async throws {
        let database = try TestDatabase(.postgres)
        defer { database.remove() }
        let message = makeMessage(key: "LK-v1")
        do {
            let v1 = try TestDatabase.connect(database.location)
            defer { v1.close() }
            try PostgresSchema.migrate(v1, to: 1)
            #expect(try PostgresSchema.version(v1) == 1)
            try v1.exec(
                """
                INSERT INTO messages(id, type, sender, idem_key, content_hash, correlation_id, received_at, body)
                VALUES ('\(message.id)', 'hospital.visit', '\(message.sender)', 'LK-v1', '\(message.contentHash)', 'c',
                        \(PGParam.millis(t0)), '\\x7b7d');
                INSERT INTO outbox(message_id, destination, status, received_at, next_attempt_at, updated_at)
                VALUES ('\(message.id)', 'bhxh', 'dead', 0, 0, 0);
                """
            )
        }
        let store = try database.open()
        defer { store.close() }
        #expect(try await store.deliveries(of: message.id).map(\.status) == [.dead])
        #expect(try await store.message(message.id)?.message.body == Array("{}".utf8))
        #expect(try await store.admit([makeAdmission(message)]).first?.id == message.id)
        #expect(try await store.replay(message.id, destination: nil, by: "op") == 1)
        let raw = try TestDatabase.connect(database.location)
        defer { raw.close() }
        #expect(try PostgresSchema.version(raw) == PostgresSchema.latest)
    }

    @Test(.enabled(if: serverSet)) func refusesANewerSchemaAndForeignTables() throws {
        let database = try TestDatabase(.postgres)
        defer { database.remove() }
        try database.open().close()
        try database.execute("UPDATE interchange_schema SET version = 99")
        let newer = #expect(throws: StoreError.self) { try database.open() }
        #expect(newer?.code == .schemaTooNew)
        #expect(newer?.message.contains("99") == true)

        let foreign = try TestDatabase(.postgres)
        defer { foreign.remove() }
        try foreign.execute("CREATE TABLE outbox(id INTEGER PRIMARY KEY)")
        let error = #expect(throws: StoreError.self) { try foreign.open() }
        #expect(error?.code == .corrupt)
        #expect(error?.message.contains("not an Interchange store") == true)
    }

    @Test(.enabled(if: serverSet)) func reconnectsAfterTheServerDropsConnections() async throws {
        try await withStore(.postgres) { store, database in
            let first = makeMessage(key: "LK-before")
            _ = try await store.admit([makeAdmission(first)])
            #expect(try await store.message(first.id) != nil)
            try database.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    + "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            let second = makeMessage(key: "LK-after")
            #expect(try await store.admit([makeAdmission(second)]) == [.stored(second.id)])
            #expect(try await store.message(first.id) != nil)
            #expect(try await store.verifyLog().ok)
        }
    }

    @Test(.enabled(if: serverSet)) func aStatementErrorFailsOnlyItsOwnCaller() async throws {
        try await withStore(.postgres) { store, _ in
            // 40 good admissions race one that violates the primary key inside the writer's transaction.
            let reused = makeMessage(key: "LK-r")
            _ = try await store.admit([makeAdmission(reused)])
            var clash = makeMessage(key: "LK-clash")
            clash.id = reused.id
            let clashing = clash
            let outcome = await withTaskGroup(of: Bool.self) { group in
                group.addTask { (try? await store.admit([makeAdmission(clashing)])) == nil }
                for index in 0..<40 {
                    group.addTask { (try? await store.admit([makeAdmission(makeMessage(key: "LK-g\(index)"))])) != nil }
                }
                var ok = 0
                for await fine in group where fine { ok += 1 }
                return ok
            }
            #expect(outcome == 41)
            #expect(try await store.outboxStats().map(\.pending) == [41, 41])
            #expect(try await store.verifyLog().ok)
        }
    }
}
