import Delivery
@testable import Gateway
import Foundation
import Glibc
import Messages
import Simulators
@testable import Store
import Synchronization
import Testing

/// Three `interchange serve` processes (gw1, gw2, gw3) on one PostgreSQL store, one destination: a client spreads
/// posts round-robin over them (retrying a failed post on the next node, as a client behind a load balancer
/// does), nodes are killed with SIGKILL and restarted at random moments, and the destination fails part of the
/// time. Every acknowledged message must reach the destination, under one id, and the outbox must drain.
///
/// Runs when `INTERCHANGE_TEST_PG` names a server (`make test` starts one); `make soak-cluster` sets
/// `INTERCHANGE_CLUSTER_SOAK_SECONDS` to keep killing for minutes.
@Suite(.serialized) struct ClusterTests {
    static let serverURL = ProcessInfo.processInfo.environment["INTERCHANGE_TEST_PG"].flatMap { $0.isEmpty ? nil : $0 }

    /// What the posting clients saw.
    struct Ledger {
        var acknowledged: [String: String] = [:]  // note key → message id (202, or 200 for a duplicate)
        var unanswered: Set<String> = []  // notes no node answered (down, or killed mid-request)
        var retriedElsewhere = 0  // posts that succeeded on another node after a failure
    }

    /// State shared by the posting tasks.
    final class Shared: Sendable {
        let ledger = Mutex(Ledger())
        let running = Atomic<Bool>(true)
        let chaosRunning = Atomic<Bool>(true)
        let next = Atomic<Int>(0)
    }

    @Test(.enabled(if: serverURL != nil, "INTERCHANGE_TEST_PG is not set: the cluster test needs PostgreSQL (make test sets it)"))
    func threeNodesOnePostgresStoreSurviveKillsWithEveryMessageDeliveredOnce() async throws {
        let soakSeconds = ProcessInfo.processInfo.environment["INTERCHANGE_CLUSTER_SOAK_SECONDS"].flatMap(Double.init)
        let cluster = try Cluster(server: try #require(Self.serverURL))
        defer { cluster.remove() }
        let binary = try GatewayBinary.path()
        let shared = Shared()
        let nodes = cluster.nodes

        var processes: [Process] = []
        defer {
            // Whatever happened, no gateway and no posting task outlives the test.
            shared.running.store(false, ordering: .relaxed)
            shared.chaosRunning.store(false, ordering: .relaxed)
            for process in processes where process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
        for node in nodes { processes.append(try GatewayBinary.launch(binary, config: node.configPath, log: node.directory)) }
        for node in nodes {
            #expect(await cluster.eventually(timeout: .seconds(20)) { await cluster.get(node, "/readyz") == 200 },
                    "\(node.name) did not become ready")
        }

        // Posting clients: each post goes to the next node; a failed post is retried with the same note on the
        // following node (a duplicate must come back as the same id from any node).
        let clients = Task {
            await withTaskGroup(of: Void.self) { group in
                for client in 0..<4 {
                    group.addTask {
                        var n = 0
                        while shared.running.load(ordering: .relaxed) {
                            n += 1
                            let key = "c\(client)-\(n)"
                            let body = #"{"key":"\#(key)","text":"cluster test"}"#
                            var id: String?
                            for attempt in 0..<3 where id == nil {
                                let node = nodes[shared.next.add(1, ordering: .relaxed).newValue % nodes.count]
                                let (status, text) = await cluster.post(node, body: body)
                                if status == 202 || status == 200, let answer = cluster.json(text)["id"] as? String {
                                    id = answer
                                    if attempt > 0 { shared.ledger.withLock { $0.retriedElsewhere += 1 } }
                                } else {
                                    try? await Task.sleep(for: .milliseconds(10))
                                }
                            }
                            if let id {
                                shared.ledger.withLock { $0.acknowledged[key] = id }
                            } else {
                                shared.ledger.withLock { _ = $0.unanswered.insert(key) }
                            }
                        }
                    }
                }
            }
        }
        // The destination fails part of the time.
        let chaos = Task {
            while shared.chaosRunning.load(ordering: .relaxed) {
                cluster.simulator.fail(status: Bool.random() ? 503 : 500, count: Int.random(in: 1...4))
                try? await Task.sleep(for: .milliseconds(Int.random(in: 100...400)))
            }
        }

        // Kill a random node at a random moment, restart it, repeat.
        let started = ContinuousClock.now
        var kills: [String] = []
        while kills.count < 3 || (soakSeconds.map { ContinuousClock.now - started < .seconds($0) } ?? false) {
            try await Task.sleep(for: .milliseconds(Int.random(in: 1000...3000)))
            let victim = Int.random(in: 0..<nodes.count)
            kill(processes[victim].processIdentifier, SIGKILL)
            processes[victim].waitUntilExit()
            kills.append(nodes[victim].name)
            try await Task.sleep(for: .milliseconds(Int.random(in: 200...1000)))
            processes[victim] = try GatewayBinary.launch(binary, config: nodes[victim].configPath, log: nodes[victim].directory)
            #expect(await cluster.eventually(timeout: .seconds(20)) { await cluster.get(nodes[victim], "/readyz") == 200 },
                    "\(nodes[victim].name) did not come back")
        }
        // One more kill, with deliveries in flight on every node (the destination hangs): this node stays down,
        // so the rows it had claimed are left to the others once their leases expire.
        shared.chaosRunning.store(false, ordering: .relaxed)
        await chaos.value
        cluster.simulator.heal()
        cluster.simulator.mode = .hang
        let hangStarted = Date()
        try await Task.sleep(for: .milliseconds(600))
        let lastVictim = Int.random(in: 0..<nodes.count)
        kill(processes[lastVictim].processIdentifier, SIGKILL)
        processes[lastVictim].waitUntilExit()
        let killedAt = Date()
        kills.append(nodes[lastVictim].name + " (left down)")
        shared.running.store(false, ordering: .relaxed)
        await clients.value
        cluster.simulator.heal()
        let survivors = processes.indices.filter { $0 != lastVictim }.map { processes[$0] }

        // Everything acknowledged arrives (the dead node's leases — 2 × 1 s timeout + 5 s — expire first), and
        // the outbox drains: nothing pending or leased.
        let snapshot = shared.ledger.withLock { $0 }
        let acknowledgedIDs = Set(snapshot.acknowledged.values)
        let observer = try PostgresStore(url: cluster.databaseURL, node: "observer", options: .init(readers: 1))
        defer { observer.close() }
        let allArrived = await cluster.eventually(timeout: .seconds(45)) {
            acknowledgedIDs.isSubset(of: Set(cluster.simulator.recorder.counts.keys))
        }
        var stats: [DestinationStats] = []
        let drained = await cluster.eventually(timeout: .seconds(30)) {
            stats = (try? await observer.outboxStats()) ?? []
            return stats.count == 1 && stats[0].pending == 0 && stats[0].inflight == 0 && stats[0].held == 0
        }

        let received = cluster.simulator.recorder.all
        let missing = acknowledgedIDs.subtracting(received.map(\.key))
        #expect(allArrived, "\(missing.count) acknowledged messages never arrived, e.g. \(missing.prefix(3))")
        #expect(drained, "outbox not drained: \(stats)")
        #expect(snapshot.acknowledged.count > 100, "too few messages acknowledged to mean anything")
        // Stored = delivered: every message any node committed (acknowledged or not) went out, none died.
        let sim = try #require(stats.first { $0.destination == "sim" })
        #expect(sim.dead == 0)
        #expect(sim.delivered == Set(received.map(\.key)).count)
        // No note reached the destination under two ids, nothing arrived that nobody sent, and each acknowledged
        // note arrived under the id its client was given (whichever node gave it).
        var idsByNote: [String: Set<String>] = [:]
        for request in received {
            let body = cluster.json(String(decoding: request.firstBody, as: UTF8.self))
            let note = (body["record"] as? [String: Any])?["key"] as? String ?? "?"
            idsByNote[note, default: []].insert(request.key)
        }
        let twice = idsByNote.filter { $0.value.count > 1 }
        #expect(twice.isEmpty, "notes delivered under several ids: \(twice.prefix(3))")
        let unknown = idsByNote.keys.filter { snapshot.acknowledged[$0] == nil && !snapshot.unanswered.contains($0) }
        #expect(unknown.isEmpty, "deliveries of notes nobody sent: \(unknown.prefix(3))")
        for (note, id) in snapshot.acknowledged {
            #expect(idsByNote[note] == [id], "note \(note) arrived under \(idsByNote[note] ?? []), not \(id)")
        }

        // The dead node's claims: sent while the destination hung, then sent again only after the lease expired
        // (the survivors' hung requests were answered on heal, or retried within a 1 s timeout plus backoff).
        let reclaimed = received.filter { request in
            zip(request.arrivals, request.arrivals.dropFirst()).contains { first, second in
                first >= hangStarted && first <= killedAt && second.timeIntervalSince(killedAt) > 4
            }
        }.count
        #expect(reclaimed > 0, "no delivery of the killed node was taken over after its lease expired")

        // Who stored and who delivered: every node did both, and nodes delivered each other's messages.
        let storedBy = try await cluster.nodeByMessage(observer, event: "stored")
        let deliveredBy = try await cluster.nodeByMessage(observer, event: "delivered")
        let crossNode = deliveredBy.filter { storedBy[$0.key] != nil && storedBy[$0.key] != $0.value }.count
        #expect(Set(storedBy.values) == Set(nodes.map(\.name)))
        #expect(Set(deliveredBy.values) == Set(nodes.map(\.name)))
        #expect(crossNode > 0, "no node delivered a message another node had stored")

        // A node's metrics show its PostgreSQL writer's group commits.
        let survivor = nodes[(lastVictim + 1) % nodes.count]
        let (_, metrics) = await cluster.fetch("http://127.0.0.1:\(survivor.operatorPort)/metrics")
        let commits = metrics.split(separator: "\n").first { $0.hasPrefix("interchange_store_commit_batch_size_count ") }
        #expect((commits?.split(separator: " ").last).flatMap { Double($0) } ?? 0 > 0,
                "no commit counters in \(survivor.name)'s metrics")

        for process in survivors { process.terminate() }
        for process in survivors { process.waitUntilExit() }

        // The CLI against the cluster's config: one chain per node, intact; a log page merges every node's
        // entries in sequence order.
        let (verifyStatus, verified) = try cluster.run(binary, ["log", "verify", "--config", nodes[0].configPath])
        #expect(verifyStatus == 0, "\(verified)")
        #expect(verified.contains("3 node chains"), "\(verified)")
        for node in nodes { #expect(verified.contains("\(node.name) "), "\(verified)") }
        let (logStatus, lines) = try cluster.run(binary, ["log", "--json", "--limit", "1000", "--config", nodes[1].configPath])
        #expect(logStatus == 0)
        let entries = lines.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let seqs = entries.compactMap { $0["seq"] as? Int }
        #expect(entries.count == 1000 && seqs.count == 1000)
        #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count, "page not in sequence order")
        // The newest page may miss the node left down at the end, but the surviving nodes interleave in it.
        let pageNodes = Set(entries.compactMap { $0["node"] as? String })
        #expect(pageNodes.count >= 2 && pageNodes.isSubset(of: Set(nodes.map(\.name))),
                "one page should merge the chains of several nodes, got \(pageNodes)")

        let delivered = cluster.simulator.recorder
        print("cluster test: 3 nodes, kills \(kills.joined(separator: ", ")); \(snapshot.acknowledged.count) acknowledged "
              + "(\(snapshot.retriedElsewhere) after a retry on another node), \(snapshot.unanswered.count) unanswered; "
              + "\(received.count) delivered with \(delivered.total) delivery requests; \(crossNode) delivered by "
              + "another node than the one that stored them; \(reclaimed) taken over from the dead node after its "
              + "lease expired; \(verified.trimmingCharacters(in: .whitespacesAndNewlines))")
        cluster.shutdown()
    }
}

/// The cluster's shared parts: a fresh database on the test server, the destination simulator, and one
/// directory with a config per node.
final class Cluster: @unchecked Sendable {
    // Invariant: fields are set in init and never mutated afterwards.

    /// One node: its name, directory (config, tokens, serve.log), agency port and operator port.
    struct Node: Sendable {
        let name: String
        let directory: URL
        let port: Int
        let operatorPort: Int
        var configPath: String { directory.appendingPathComponent("gateway.json").path }
    }

    let directory: URL
    let databaseName: String
    let databaseURL: String
    let serverURL: String
    let simulator = DestinationSimulator(conflictOnDuplicate: true)
    let token = "token-notes-\(UUID().uuidString)"
    let client = HTTPClient(workers: 2)
    private(set) var nodes: [Node] = []

    init(server: String, count: Int = 3) throws {
        serverURL = server
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        databaseName = "cluster_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let maintenance = try PGConnection(url: PostgresURL(server), lockTimeout: .seconds(5), connectTimeout: .seconds(5))
        defer { maintenance.close() }
        try maintenance.exec("CREATE DATABASE \(databaseName)")
        var components = try #require(URLComponents(string: server))
        components.path = "/" + databaseName
        databaseURL = try #require(components.string)
        try simulator.start()
        for index in 1...count {
            let node = Node(name: "gw\(index)", directory: directory.appendingPathComponent("gw\(index)"),
                            port: try FreePort.find(), operatorPort: try FreePort.find())
            try FileManager.default.createDirectory(at: node.directory, withIntermediateDirectories: true)
            try token.write(to: node.directory.appendingPathComponent("notes.token"), atomically: true, encoding: .utf8)
            // Same store, same destination; timeoutMs 1000 makes the lease 2 × 1 s + 5 s = 7 s.
            let config = """
                {
                  "node": "\(node.name)",
                  "listeners": [{"name": "dev", "host": "127.0.0.1", "port": \(node.port), "role": "agency", "plain": true},
                                {"name": "ops", "host": "127.0.0.1", "port": \(node.operatorPort), "role": "operator", "plain": true}],
                  "limits": {"headTimeoutMs": 2000, "idleTimeoutMs": 5000},
                  "store": "\(databaseURL)",
                  "agencies": [
                    {"id": "notes", "kind": "hospital", "name": "Notes sender", "auth": {"tokenFile": "notes.token"},
                     "types": ["test.note"]}
                  ],
                  "destinations": [
                    {"id": "sim", "url": "\(simulator.baseURL)/notes", "format": "canonical.json", "timeoutMs": 1000,
                     "concurrency": 4, "retry": {"maxAttempts": 100, "initialBackoffMs": 50, "maxBackoffMs": 400, "maxAgeHours": 1},
                     "breaker": {"failureThreshold": 1000, "openMs": 100}}
                  ],
                  "routes": [{"type": "test.note", "destinations": ["sim"]}]
                }
                """
            try config.write(toFile: node.configPath, atomically: true, encoding: .utf8)
            nodes.append(node)
        }
    }

    /// Posts a note to `node` as the notes agency.
    func post(_ node: Node, body: String) async -> (Int, String) {
        let request = OutboundRequest(
            url: "http://127.0.0.1:\(node.port)/v1/test/notes", method: "POST",
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
            body: Array(body.utf8), timeout: .seconds(5))
        switch await client.send(request) {
        case .success(let response): return (response.status, String(decoding: response.body, as: UTF8.self))
        case .failure(let error): return (0, "\(error)")
        }
    }

    /// The status of a GET (0 when the node does not answer).
    func get(_ node: Node, _ path: String) async -> Int {
        await fetch("http://127.0.0.1:\(node.port)\(path)").0
    }

    /// Status and body of a GET (0 when nothing answers).
    func fetch(_ url: String) async -> (Int, String) {
        let request = OutboundRequest(url: url, method: "GET", headers: [], body: [], timeout: .seconds(2))
        if case .success(let response) = await client.send(request) {
            return (response.status, String(decoding: response.body, as: UTF8.self))
        }
        return (0, "")
    }

    func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    /// Waits until `condition` holds or `timeout` passes.
    func eventually(timeout: Duration, _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }

    /// The node that logged `event` for each message (the last one, if several did).
    func nodeByMessage(_ store: PostgresStore, event: String) async throws -> [MessageID: String] {
        var result: [MessageID: String] = [:]
        var cursor: LogCursor?
        repeat {
            let page = try await store.searchLog(LogFilter(event: event, oldestFirst: true), after: cursor, limit: 1000)
            for entry in page.entries { if let id = entry.messageId { result[id] = entry.node } }
            cursor = page.next
        } while cursor != nil
        return result
    }

    /// Runs the `interchange` binary and returns its exit status and output.
    func run(_ binary: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func shutdown() {
        simulator.shutdown()
        client.shutdown()
    }

    /// Drops the database and the directory.
    func remove() {
        if let maintenance = try? PGConnection(url: PostgresURL(serverURL), lockTimeout: .seconds(5), connectTimeout: .seconds(5)) {
            _ = try? maintenance.exec("DROP DATABASE IF EXISTS \(databaseName) WITH (FORCE)")
            maintenance.close()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The store location reaches the serve log (`store: ...` at start): a password in a PostgreSQL URL must not.
@Suite struct StoreLocationTextTests {
    @Test func aPostgresPasswordIsMaskedWhereTheStoreIsPrinted() {
        let store = GatewayConfig.StoreLocation.postgres(url: "postgres://gw:s3cret@db:5432/interchange?sslmode=verify-full")
        #expect("\(store)" == "postgres://gw:***@db:5432/interchange?sslmode=verify-full")
        #expect(!"\(store)".contains("s3cret"))
        #expect("\(GatewayConfig.StoreLocation.sqlite(path: "/srv/data/i.db"))" == "sqlite:/srv/data/i.db")
    }
}
