import Foundation
import Glibc
import Messages
import Simulators
import Store
import Synchronization
import Testing

/// The soak (`make soak`): the real `interchange serve` binary with an mTLS agency listener takes a realistic mix
/// of every message type (with duplicates and invalid posts) at half its measured capacity for
/// `INTERCHANGE_SOAK_MIX_SECONDS`, while every destination fails in bursts, the BHXH portal is down for a minute,
/// one Department of Justice for a while and the population database briefly, and the gateway is SIGKILLed and
/// restarted every 1–4 minutes. After healing and draining: every acknowledged message reached every destination
/// its store rows name, exactly once (or is dead for a known identity mismatch), the log chain verifies, and the
/// gateway's memory did not grow. Prints a report of the figures.
@Suite(.serialized) struct SoakMixTests {
    /// Which process is the gateway now, for the memory sampler.
    struct Incarnation {
        var pid: pid_t = 0
        var index = 0
        var started = ContinuousClock.now
    }

    /// Shared between the posting, chaos and sampling tasks.
    final class Shared: Sendable {
        let ledger = Mutex(SoakLedger())
        let running = Atomic<Bool>(true)
        let incarnation = Mutex(Incarnation())
        /// Incarnation → (seconds since its start, VmRSS kB).
        let rss = Mutex<[Int: [(seconds: Int, kilobytes: Int)]]>([:])
        /// Simulators in a long outage (no random bursts for them meanwhile).
        let down = Mutex<Set<String>>([])
        let events = Mutex<[String]>([])
        /// Pacing: nil rate = full speed.
        let pace = Mutex<(start: ContinuousClock.Instant, issued: Int, rate: Double?)>((.now, 0, nil))

        func note(_ text: String, since start: ContinuousClock.Instant) {
            let seconds = Int((ContinuousClock.now - start).components.seconds)
            events.withLock { $0.append("t+\(seconds)s \(text)") }
        }

        /// Waits for this post's slot at the current rate.
        func waitForSlot() async {
            let due: ContinuousClock.Instant? = pace.withLock { pace in
                guard let rate = pace.rate else { return nil }
                let now = ContinuousClock.now
                var due = pace.start + .seconds(Double(pace.issued) / rate)
                if due < now - .seconds(1) {  // fell behind (gateway down): no catch-up burst
                    pace.start = now
                    pace.issued = 0
                    due = now
                }
                pace.issued += 1
                return due
            }
            if let due { try? await Task.sleep(until: due, clock: .continuous) }
        }
    }

    static let seconds = ProcessInfo.processInfo.environment["INTERCHANGE_SOAK_MIX_SECONDS"].flatMap(Double.init)

    @Test(.enabled(if: seconds != nil, "set INTERCHANGE_SOAK_MIX_SECONDS (make soak)"))
    func realisticMixUnderOutagesAndKillsIsDeliveredExactlyOnce() async throws {
        let duration = Self.seconds ?? 60
        let network = try AgencyNetwork(inProcess: false)
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures")
        // Counter starts near 99,999 so that every run crosses the judgment-number wrap (n/yyyy/HSST, n ≤ 5 digits).
        let mix = try SoakMix(fixtures: fixtures, firstNumber: 95_000)
        let citizens = Dictionary(
            try Citizen.load(path: fixtures.appendingPathComponent("population/citizens.json").path).map { ($0.citizenId, $0) },
            uniquingKeysWith: { first, _ in first })
        let binary = try GatewayBinary.path()
        let database = network.directory.appendingPathComponent("data/interchange.db").path
        let shared = Shared()
        let started = ContinuousClock.now

        func launch() async throws -> Process {
            let process = try GatewayBinary.launch(binary, config: network.configPath, log: network.directory)
            let index = shared.incarnation.withLock { incarnation in
                incarnation = Incarnation(pid: process.processIdentifier, index: incarnation.index + 1, started: .now)
                return incarnation.index
            }
            let up = await network.eventually(timeout: .seconds(60)) {
                await network.send("/healthz", as: "bv-bachmai", method: "GET").status == 200
            }
            #expect(up, "gateway incarnation \(index) did not come up")
            shared.note("gateway #\(index) up (pid \(process.processIdentifier))", since: started)
            return process
        }

        // Posting: paced clients; a duplicate now and then re-sends an acknowledged post unchanged.
        @Sendable func postOne() async {
            var duplicateOf: [String]?
            var post = mix.next()
            if Int.random(in: 0..<100) < 8, let earlier = shared.ledger.withLock({ $0.reservoir.randomElement() }) {
                post = earlier.post
                duplicateOf = earlier.ids
            }
            let (status, body) = await network.send(post.path, as: post.agency, body: post.body, contentType: post.contentType)
            let receipt = network.json(body)
            shared.ledger.withLock { ledger in
                let category = duplicateOf == nil ? post.kind : "duplicate"
                ledger.sent[category, default: 0] += 1
                switch status {
                case 202 where !post.batch, 200 where !post.batch:
                    guard let id = receipt["id"] as? String else {
                        ledger.surprise("\(post.kind) \(status) without id: \(body.prefix(200))")
                        return
                    }
                    let duplicate = receipt["duplicate"] as? Bool ?? false
                    if let duplicateOf {
                        if !duplicate || id != duplicateOf.first {
                            ledger.surprise("re-sent \(post.kind) answered \(status) id \(id), first id \(duplicateOf.first ?? "?")")
                        }
                        ledger.duplicates[post.kind, default: 0] += 1
                    } else if duplicate {
                        ledger.surprise("fresh \(post.kind) \(post.items.first?.key ?? "") answered as a duplicate of \(id)")
                    } else if post.invalid {
                        ledger.surprise("invalid \(post.type) accepted as \(id)")
                    } else {
                        ledger.acknowledged[post.kind, default: 0] += 1
                        ledger.messages[id] = (post.type, post.items.first?.subject)
                        ledger.keep(post, ids: [id])
                    }
                case 200 where post.batch:
                    let items = receipt["items"] as? [[String: Any]] ?? []
                    if items.count != post.items.count {
                        ledger.surprise("\(post.kind) of \(post.items.count) answered \(items.count) items")
                    }
                    var ids: [String] = []
                    for item in items {
                        let index = item["index"] as? Int ?? -1
                        let id = item["id"] as? String ?? ""
                        ids.append(id)
                        switch item["status"] as? String {
                        case "accepted" where duplicateOf == nil:
                            guard post.items.indices.contains(index) else { continue }
                            let expected = post.items[index]
                            if let key = item["key"] as? String, !key.hasSuffix(expected.key) {
                                ledger.surprise("item \(index) key \(key), expected …\(expected.key)")
                            }
                            ledger.acknowledged[post.kind, default: 0] += 1
                            ledger.messages[id] = (post.type, expected.subject)
                        case "duplicate" where duplicateOf != nil:
                            if let duplicateOf, duplicateOf.indices.contains(index), duplicateOf[index] != id {
                                ledger.surprise("re-sent \(post.kind) item \(index) under id \(id), first \(duplicateOf[index])")
                            }
                            ledger.duplicates[post.kind, default: 0] += 1
                        default:
                            ledger.rejected[category, default: 0] += 1
                            ledger.surprise("\(category) item \(index): \(item["status"] ?? "?") \(item["problems"] ?? "")")
                        }
                    }
                    if duplicateOf == nil && ids.allSatisfy({ !$0.isEmpty }) { ledger.keep(post, ids: ids) }
                case 400, 409, 413, 415, 422:
                    ledger.rejected[category, default: 0] += 1
                    if !post.invalid { ledger.surprise("valid \(category) refused \(status): \(body.prefix(300))") }
                default:
                    ledger.unanswered[category, default: 0] += 1
                }
            }
            if status == 0 || status >= 500 { try? await Task.sleep(for: .milliseconds(50)) }
        }

        var process = try await launch()
        let posters = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        while shared.running.load(ordering: .relaxed) {
                            await shared.waitForSlot()
                            await postOne()
                        }
                    }
                }
            }
        }

        // Capacity: 10 s at full speed, then half of it.
        let answeredBefore = shared.ledger.withLock { $0.sent.values.reduce(0, +) - $0.unanswered.values.reduce(0, +) }
        try await Task.sleep(for: .seconds(10))
        let answeredAfter = shared.ledger.withLock { $0.sent.values.reduce(0, +) - $0.unanswered.values.reduce(0, +) }
        let capacity = Double(answeredAfter - answeredBefore) / 10
        let rate = max(capacity / 2, 1)
        shared.pace.withLock { $0 = (.now, 0, rate) }
        shared.note(String(format: "capacity %.1f posts/s; soaking at %.1f posts/s", capacity, rate), since: started)

        // Memory: VmRSS of the current gateway every 10 s.
        let sampler = Task {
            while shared.running.load(ordering: .relaxed) {
                let (pid, index, since) = shared.incarnation.withLock { ($0.pid, $0.index, $0.started) }
                if let kilobytes = Self.rss(pid) {
                    let seconds = Int((ContinuousClock.now - since).components.seconds)
                    shared.rss.withLock { $0[index, default: []].append((seconds, kilobytes)) }
                }
                try? await Task.sleep(for: .seconds(10))
            }
        }

        // Destinations fail: random bursts everywhere, and the long outages on a schedule scaled to the run.
        let servers: [(String, DestinationSimulator)] = [
            ("healthbook", network.healthBook.server), ("bhxh", network.socialSecurity.server),
            ("ncjr", network.nationalCentre.server), ("vneid", network.vneid.server), ("doj", network.justice.server),
            ("population", network.population.server),
        ]
        let bursts = Task {
            while shared.running.load(ordering: .relaxed) {
                let (name, server) = servers.randomElement()!
                if !shared.down.withLock({ $0.contains(name) }) {
                    server.fail(status: [500, 502, 503].randomElement()!, count: Int.random(in: 1...5))
                }
                try? await Task.sleep(for: .milliseconds(Int.random(in: 300...2000)))
            }
        }
        @Sendable func outage(_ name: String, at fraction: Double, for length: Double,
                              down: @escaping @Sendable () -> Void, up: @escaping @Sendable () -> Void) -> Task<Void, Never> {
            Task {
                try? await Task.sleep(for: .seconds(duration * fraction))
                guard shared.running.load(ordering: .relaxed) else { return }
                shared.down.withLock { _ = $0.insert(name) }
                down()
                shared.note("\(name) down for \(Int(length)) s", since: started)
                try? await Task.sleep(for: .seconds(length))
                up()
                shared.down.withLock { _ = $0.remove(name) }
                shared.note("\(name) back", since: started)
            }
        }
        let outages = [
            outage("bhxh", at: 0.2, for: min(60, duration * 0.1),
                   down: { network.socialSecurity.server.fail(status: 503, count: -1) },
                   up: { network.socialSecurity.server.heal() }),
            outage("doj-46", at: 0.4, for: min(240, duration * 0.15),
                   down: { network.justice.fail(province: "46", status: 503, count: -1) },
                   up: { network.justice.fail(province: "46", count: 0) }),
            outage("population", at: 0.65, for: min(30, duration * 0.05),
                   down: { network.population.goDown(.unavailable) }, up: { network.population.recover() }),
        ]

        // Kills: SIGKILL every 1–4 minutes (scaled down for runs under 10 minutes), restart at once.
        let scale = min(1, duration / 600)
        var kills = 0
        let loadEnd = started + .seconds(duration)
        while true {
            let pause = Duration.seconds(Double.random(in: 60...240) * scale)
            if ContinuousClock.now + pause >= loadEnd {
                try await Task.sleep(until: loadEnd, clock: .continuous)
                break
            }
            try await Task.sleep(for: pause)
            kill(process.processIdentifier, SIGKILL)
            let killed = process
            try await offPool { killed.waitUntilExit() }
            kills += 1
            shared.note("SIGKILL #\(kills)", since: started)
            try await Task.sleep(for: .milliseconds(Int.random(in: 100...2000)))
            process = try await launch()
        }

        // Heal everything and let the deliveries drain (the gateway stays up).
        shared.running.store(false, ordering: .relaxed)
        await posters.value
        await bursts.value
        for task in outages { task.cancel() }
        for task in outages { await task.value }
        network.healthBook.server.heal()
        network.socialSecurity.server.heal()
        network.nationalCentre.server.heal()
        network.vneid.server.heal()
        network.justice.heal()
        network.population.recover()
        shared.note("load stopped, everything healed", since: started)
        let drainStarted = ContinuousClock.now
        var open = Int.max
        var lastPrinted = ContinuousClock.now
        while ContinuousClock.now - drainStarted < .seconds(900) {
            open = (try? Self.count(database, "SELECT count(*) FROM outbox WHERE status IN ('pending', 'held')")) ?? open
            if open == 0 { break }
            if ContinuousClock.now - lastPrinted > .seconds(30) {
                print("soak: draining, \(open) deliveries open")
                lastPrinted = .now
            }
            try await Task.sleep(for: .seconds(2))
        }
        let drainSeconds = Int((ContinuousClock.now - drainStarted).components.seconds)
        shared.note("drained in \(drainSeconds) s (\(open) open)", since: started)
        await sampler.value
        // Keep sampling the last incarnation while draining? It was sampled until the load stopped; one more now.
        let lastIndex = shared.incarnation.withLock { $0.index }
        if let kilobytes = Self.rss(process.processIdentifier) {
            let seconds = Int((ContinuousClock.now - shared.incarnation.withLock { $0.started }).components.seconds)
            shared.rss.withLock { $0[lastIndex, default: []].append((seconds, kilobytes)) }
        }
        process.terminate()
        let last = process
        try await offPool { last.waitUntilExit() }

        // The log chain, by the binary.
        let verify = Process()
        verify.executableURL = URL(fileURLWithPath: binary)
        verify.arguments = ["log", "verify", "--config", network.configPath]
        verify.currentDirectoryURL = network.directory
        let output = Pipe()
        verify.standardOutput = output
        verify.standardError = output
        try verify.run()
        let verifyText = try await offPool { () -> String in
            let data = output.fileHandleForReading.readDataToEndOfFile()
            verify.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(verify.terminationStatus == 0, "interchange log verify: \(verifyText)")

        // Every acknowledged message, against the gateway's own store and the simulators' records.
        let store = try SQLiteStore(path: database, node: "soak-check")
        let received = Self.received(network)
        let ledger = shared.ledger.withLock { $0 }
        var problems: [String] = []
        func problem(_ text: String) { if problems.count < 40 { problems.append(text) } }
        var deliveredRows: [String: Int] = [:]
        var deadRows: [String: Int] = [:]
        var mismatchDead = 0
        for (id, message) in ledger.messages {
            guard let messageID = MessageID(id) else { problem("bad id \(id)"); continue }
            let rows = try await store.deliveries(of: messageID)
            if rows.isEmpty { problem("\(id) (\(message.type)) has no delivery rows") }
            for row in rows {
                let checked = Self.identityChecked(type: message.type, destination: row.destination)
                let mismatch = checked && Self.mismatches(message.subject, citizens)
                switch row.status {
                case .delivered:
                    deliveredRows[row.destination, default: 0] += 1
                    if received[row.destination]?[id] != 1 {
                        problem("\(id) \(row.destination) delivered, found \(received[row.destination]?[id] ?? 0)× at the simulator")
                    }
                    if mismatch { problem("\(id) \(row.destination) delivered despite a known identity mismatch \(message.subject.map { "\($0)" } ?? "")") }
                case .dead:
                    deadRows[row.destination, default: 0] += 1
                    if mismatch && (row.lastError ?? "").contains("identity mismatch") {
                        mismatchDead += 1
                    } else {
                        problem("\(id) \(row.destination) dead: \(row.lastError ?? "") (known mismatch: \(mismatch))")
                    }
                case .pending, .held:
                    problem("\(id) \(row.destination) still \(row.status.rawValue) after the drain")
                }
            }
        }
        // Nothing arrived that the store does not have as delivered there (no copy under another id).
        let storeDelivered = try RawDatabase.values(database, "SELECT destination, message_id FROM outbox WHERE status = 'delivered'")
        var deliveredSet: Set<String> = []
        for pair in stride(from: 0, to: storeDelivered.count - 1, by: 2) {
            deliveredSet.insert(String(decoding: storeDelivered[pair], as: UTF8.self) + " "
                                + String(decoding: storeDelivered[pair + 1], as: UTF8.self))
        }
        for (destination, keys) in received {
            for (key, count) in keys {
                if count != 1 { problem("\(destination) holds \(key) \(count)×") }
                if !deliveredSet.contains("\(destination) \(key)") {
                    problem("\(destination) received \(key), which the store does not have as delivered there")
                }
            }
        }
        let storeCounts = Dictionary(grouping: deliveredSet, by: { String($0.split(separator: " ")[0]) }).mapValues(\.count)
        let receivedCounts = received.mapValues(\.count).filter { $0.value > 0 }
        if storeCounts != receivedCounts { problem("delivered per destination: store \(storeCounts), simulators \(receivedCounts)") }
        // Business keys: no visit reached the health book or the portal twice under different ids.
        let bookVisits = network.healthBook.entries.map(\.visitKey)
        if Set(bookVisits).count != bookVisits.count { problem("a visit reached the e-health book under two ids") }
        let claims = network.socialSecurity.receipts.flatMap(\.visitKeys)
        if Set(claims).count != claims.count { problem("a visit reached the BHXH portal under two ids") }
        let verification = try await store.verifyLog()
        let outcomes = try RawDatabase.values(
            database, "SELECT destination, status, count(*), sum(attempts), sum(claims) FROM outbox GROUP BY destination, status ORDER BY 1, 2")
        let messagesStored = try Self.count(database, "SELECT count(*) FROM messages")
        store.close()

        // Memory per incarnation: after warm-up (first sample ≥ 60 s) vs the last sample.
        let series = shared.rss.withLock { $0 }
        var memoryLines: [String] = []
        var grew: [String] = []
        for index in series.keys.sorted() {
            let samples = series[index] ?? []
            guard let last = samples.last else { continue }
            let warm = samples.first { $0.seconds >= 60 }
            let peak = samples.map(\.kilobytes).max() ?? 0
            var line = "  #\(index): \(samples.count) samples over \(last.seconds) s, first \(samples[0].kilobytes / 1024) MB, "
                + "peak \(peak / 1024) MB, last \(last.kilobytes / 1024) MB"
            if let warm, last.seconds - warm.seconds >= 60 {
                let growth = Double(last.kilobytes - warm.kilobytes) / Double(warm.kilobytes) * 100
                line += String(format: ", after warm-up %d MB → %d MB (%+.1f %%)", warm.kilobytes / 1024, last.kilobytes / 1024, growth)
                if growth > 20 {
                    line += "  ← GROWTH > 20 %"
                    grew.append("#\(index) \(String(format: "%+.1f", growth)) %")
                }
            }
            memoryLines.append(line)
        }

        // The report.
        func row(_ name: String, _ counts: [String: Int]) -> String {
            let keys = (SoakMix.weights.map(\.0) + ["duplicate"]).filter { counts[$0] != nil }
            let total = counts.values.reduce(0, +)
            return "  \(name.padding(toLength: 13, withPad: " ", startingAt: 0)) \(total) ("
                + keys.map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: ", ") + ")"
        }
        var report = ["", "=== soak report: \(Int(duration)) s of load, \(kills) kills ===",
                      "events:"] + shared.events.withLock { $0 }.map { "  " + $0 }
        report += ["posts and messages:", row("posts sent", ledger.sent), row("acknowledged", ledger.acknowledged),
                   row("duplicates", ledger.duplicates), row("rejected", ledger.rejected), row("unanswered", ledger.unanswered),
                   "  messages stored \(messagesStored), acknowledged \(ledger.messages.count)"]
        report += ["deliveries of acknowledged messages (delivered / dead):"]
            + Set(deliveredRows.keys).union(deadRows.keys).sorted().map {
                "  \($0): \(deliveredRows[$0] ?? 0) / \(deadRows[$0] ?? 0)"
            }
        report += ["  dead for a known identity mismatch: \(mismatchDead)",
                   "outbox (destination status rows attempts claims):"]
        for start in stride(from: 0, to: outcomes.count - 4, by: 5) {
            report.append("  " + outcomes[start..<(start + 5)].map { String(decoding: $0, as: UTF8.self) }.joined(separator: " "))
        }
        report += ["simulator requests (all attempts, incl. failures and BHXH tokens): "
                   + servers.map { "\($0.0) \($0.1.recorder.total)" }.joined(separator: ", ")]
        report += ["gateway memory (VmRSS) per incarnation:"] + memoryLines
        report += ["log verify: \(verifyText.trimmingCharacters(in: .whitespacesAndNewlines)) / store: \(verification)",
                   "surprises while posting: \(ledger.surprises.count)"] + ledger.surprises.prefix(10).map { "  " + $0 }
        report += ["problems: \(problems.count)"] + problems.map { "  " + $0 }
        print(report.joined(separator: "\n"))
        let reportURL = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("interchange-soak-report.txt")
        try? report.joined(separator: "\n").write(to: reportURL, atomically: true, encoding: .utf8)

        let problemCount = problems.count
        let surpriseCount = ledger.surprises.count
        let grewCount = grew.count
        #expect(problemCount == 0, "delivery problems, e.g. \(problems.prefix(3))")
        #expect(surpriseCount == 0, "surprises while posting, e.g. \(ledger.surprises.prefix(3))")
        #expect(grewCount == 0, "gateway memory grew > 20 % after warm-up: \(grew)")
        #expect(open == 0, "\(open) deliveries still open after the drain")
        #expect(ledger.messages.count > 100, "too few messages acknowledged to mean anything")
        #expect(kills >= 1 || duration < 120)
        if problems.isEmpty && ledger.surprises.isEmpty {
            await network.shutdown()
        } else {
            print("soak: kept \(network.directory.path) (serve.log, data/) for inspection")
        }
    }

    /// The soak's own parts, checked in `make test`: every post gets fresh keys (the envelope's 20 MA_LK
    /// inside their base64 files too) and the identity oracle knows the fixtures' mismatches.
    @Test func mixRewritesEveryKeyAndTheOracleKnowsTheFixtureMismatches() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures")
        let mix = try SoakMix(fixtures: fixtures)
        let first = mix.make("envelope")
        let second = mix.make("envelope")
        #expect(first.items.count == 20)
        #expect(Set(first.items.map(\.key)).count == 20)
        #expect(Set(first.items.map(\.key)).isDisjoint(with: second.items.map(\.key)))
        let text = String(decoding: first.body, as: UTF8.self)
        let inner = SoakMix.matches(text, "<NOIDUNGFILE>", "</NOIDUNGFILE>").compactMap { Data(base64Encoded: $0) }
            .map { String(decoding: $0, as: UTF8.self) }.joined()
        #expect(!inner.contains("LK2024"), "an original MA_LK survived the rewrite")
        for key in first.items.map(\.key) { #expect(inner.contains("<MA_LK>\(key)</MA_LK>")) }
        // Judgment numbers stay n/yyyy/HSST with n of 1–5 digits however far the counter runs (the first 30-minute
        // soak posted 6,692 verdicts numbered 100000/2025/HSST and up, which the court adapter rightly refused).
        let late = try SoakMix(fixtures: fixtures, firstNumber: 250_000)
        var numbers: Set<String> = []
        for _ in 0..<200 {
            let number = late.make("verdict").items[0].key
            let parts = number.split(separator: "/")
            #expect(parts.count == 3 && (1...5).contains(parts[0].count) && (1990...2025).contains(Int(parts[1]) ?? 0), "\(number)")
            numbers.insert(number)
        }
        #expect(numbers.count == 200)
        var keys: Set<String> = []
        for kind in SoakMix.weights.map(\.0) where kind != "invalid" {
            for _ in 0..<3 { for item in mix.make(kind).items { #expect(keys.insert(item.key).inserted, "\(item.key) twice") } }
        }
        let citizens = Dictionary(
            try Citizen.load(path: fixtures.appendingPathComponent("population/citizens.json").path).map { ($0.citizenId, $0) },
            uniquingKeysWith: { first, _ in first })
        // visit-single.json names Nguyễn Thị An, born 2003-05-15; the registry has Nguyễn Thị Lan, born 2003-03-15.
        #expect(Self.mismatches(mix.make("visit").items[0].subject, citizens))
        let verdict = mix.make("verdict").items[0].subject
        #expect(verdict != nil && !Self.mismatches(verdict, citizens))
        // The envelope's 20 people are all in the registry as written; of visits-array5's five, one citizen differs
        // (the newborn has no ID number and the foreigner a passport number: no e-health book row, nothing checked). The 30-minute soak's dead letters
        // agreed: 45,512 = 26,967 single visits + 18,545 arrays.
        #expect(first.items.filter { Self.mismatches($0.subject, citizens) }.isEmpty)
        let array = mix.make("visits").items
        let citizensInArray = array.filter { $0.subject.map { $0.citizenId.count == 12 } ?? false }
        #expect(citizensInArray.count == 3)
        #expect(citizensInArray.filter { Self.mismatches($0.subject, citizens) }.count == 1)
    }

    /// Which (type, destination) pairs pass the identity check first (the routes in ``AgencyNetwork``).
    static func identityChecked(type: String, destination: String) -> Bool {
        switch type {
        case "hospital.visit": destination == "healthbook"
        case "court.verdict", "vneid.certificate-request": true
        default: false
        }
    }

    /// The test's own oracle for the identity check: unknown ID, or name, date of birth, sex or status differing
    /// from the population fixture.
    static func mismatches(_ subject: SoakMix.Subject?, _ citizens: [String: Citizen]) -> Bool {
        guard let subject else { return true }
        guard let citizen = citizens[subject.citizenId] else { return true }
        func normalised(_ name: String) -> String {
            name.precomposedStringWithCanonicalMapping.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        if normalised(subject.fullName) != normalised(citizen.fullName) { return true }
        if subject.dateOfBirth.hasSuffix("-00-00") {
            if subject.dateOfBirth.prefix(4) != citizen.dateOfBirth.prefix(4) { return true }
        } else if subject.dateOfBirth != citizen.dateOfBirth {
            return true
        }
        if let sex = subject.sex, sex != citizen.sex { return true }
        return citizen.status != "active"
    }

    /// What each destination's simulator accepted: destination id → message id → records.
    static func received(_ network: AgencyNetwork) -> [String: [String: Int]] {
        func counted(_ keys: [String]) -> [String: Int] { keys.reduce(into: [:]) { $0[$1, default: 0] += 1 } }
        var received: [String: [String: Int]] = [
            "healthbook": counted(network.healthBook.entries.map(\.key)),
            "bhxh": counted(network.socialSecurity.receipts.map(\.key)),
            "ncjr": counted(network.nationalCentre.records.map(\.key)),
            "vneid": counted(network.vneid.records.map(\.key)),
        ]
        for (province, records) in Dictionary(grouping: network.justice.records, by: \.province) {
            received["doj-\(province)"] = counted(records.map(\.key))
        }
        return received
    }

    /// The gateway's resident set size in kB, from `/proc/<pid>/status`.
    static func rss(_ pid: pid_t) -> Int? {
        guard pid > 0, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    static func count(_ database: String, _ sql: String) throws -> Int {
        let values = try RawDatabase.values(database, sql)
        return values.first.flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
    }
}
