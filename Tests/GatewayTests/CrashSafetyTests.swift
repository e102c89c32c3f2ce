import Delivery
import Foundation
import Glibc
import Simulators
import Synchronization
import Testing

/// "Accepted means delivered, once", under SIGKILL: the real `interchange serve` process is killed at
/// random moments while a client posts and the destination fails part of the time. Every 202 must reach
/// the destination, and no note may reach it under two message ids.
///
/// `make test` runs the short version (5 kills); `make soak` sets `INTERCHANGE_SOAK_SECONDS` for minutes.
@Suite(.serialized) struct CrashSafetyTests {
    /// What the posting clients saw.
    struct Ledger {
        var acknowledged: [String: String] = [:]  // note key → message id (202 or duplicate 200)
        var unanswered: Set<String> = []  // posts that got no answer (gateway down or killed mid-request)
    }

    /// State shared by the posting tasks.
    final class Shared: Sendable {
        let ledger = Mutex(Ledger())
        let running = Atomic<Bool>(true)
    }

    @Test func everyAcknowledgedMessageIsDeliveredExactlyOnceAcrossKills() async throws {
        let soakSeconds = ProcessInfo.processInfo.environment["INTERCHANGE_SOAK_SECONDS"].flatMap(Double.init)
        let gateway = try GatewayHarness()
        let binary = try GatewayBinary.path()
        let shared = Shared()

        // Posting clients: unique note keys, sequential per client.
        let clients = Task {
            await withTaskGroup(of: Void.self) { group in
                for client in 0..<4 {
                    group.addTask {
                        var n = 0
                        while shared.running.load(ordering: .relaxed) {
                            n += 1
                            let key = "c\(client)-\(n)"
                            let (status, body, _) = await gateway.send("/v1/test/notes", body: #"{"key":"\#(key)","text":"crash test"}"#)
                            if status == 202 || status == 200, let id = gateway.json(body)["id"] as? String {
                                shared.ledger.withLock { $0.acknowledged[key] = id }
                            } else {
                                shared.ledger.withLock { _ = $0.unanswered.insert(key) }
                                try? await Task.sleep(for: .milliseconds(20))
                            }
                        }
                    }
                }
            }
        }
        // The destination fails part of the time.
        let chaos = Task {
            while shared.running.load(ordering: .relaxed) {
                gateway.simulator.fail(status: Bool.random() ? 503 : 500, count: Int.random(in: 1...4))
                try? await Task.sleep(for: .milliseconds(Int.random(in: 100...400)))
            }
        }

        let started = ContinuousClock.now
        var kills = 0
        while kills < 5 || (soakSeconds.map { ContinuousClock.now - started < .seconds($0) } ?? false) {
            let process = try GatewayBinary.launch(binary, config: gateway.configPath, log: gateway.directory)
            #expect(await gateway.eventually(timeout: .seconds(15)) {
                await gateway.send("/healthz", method: "GET", as: nil).0 == 200
            }, "gateway did not come up")
            try await Task.sleep(for: .milliseconds(Int.random(in: 300...900)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            kills += 1
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...300)))
        }
        shared.running.store(false, ordering: .relaxed)
        await clients.value
        await chaos.value
        gateway.simulator.heal()

        // The last start: everything acknowledged must arrive (leases of killed claims expire first).
        let last = try GatewayBinary.launch(binary, config: gateway.configPath, log: gateway.directory)
        let snapshot = shared.ledger.withLock { $0 }
        let acknowledgedIDs = Set(snapshot.acknowledged.values)
        let allArrived = await gateway.eventually(timeout: .seconds(60)) {
            acknowledgedIDs.isSubset(of: Set(gateway.simulator.recorder.counts.keys))
        }
        last.terminate()
        last.waitUntilExit()

        let received = gateway.simulator.recorder.all
        let missing = acknowledgedIDs.subtracting(received.map(\.key))
        #expect(allArrived, "\(missing.count) acknowledged messages never arrived, e.g. \(missing.prefix(3))")
        #expect(snapshot.acknowledged.count > 50, "too few messages acknowledged to mean anything")
        // No note reached the destination under two ids, and nothing arrived that nobody sent.
        var idsByNote: [String: Set<String>] = [:]
        for request in received {
            let body = gateway.json(String(decoding: request.firstBody, as: UTF8.self))
            let note = (body["record"] as? [String: Any])?["key"] as? String ?? "?"
            idsByNote[note, default: []].insert(request.key)
        }
        let twice = idsByNote.filter { $0.value.count > 1 }
        #expect(twice.isEmpty, "notes delivered under several ids: \(twice.prefix(3))")
        let unknown = idsByNote.keys.filter { snapshot.acknowledged[$0] == nil && !snapshot.unanswered.contains($0) }
        #expect(unknown.isEmpty, "deliveries of notes nobody sent: \(unknown.prefix(3))")
        for (note, id) in snapshot.acknowledged {
            #expect(idsByNote[note] == [id] || idsByNote[note] == nil, "note \(note) arrived under another id")
        }
        print("crash test: \(kills) kills, \(snapshot.acknowledged.count) acknowledged, "
              + "\(snapshot.unanswered.count) unanswered posts, \(received.count) delivered, "
              + "\(gateway.simulator.recorder.total) delivery requests")
        await gateway.shutdown()
    }
}

/// Finds and starts the `interchange` executable built next to the tests.
enum GatewayBinary {
    static func path() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["INTERCHANGE_BINARY"] { return explicit }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidates = ["debug", "release"].map { root.appendingPathComponent(".build/\($0)/interchange").path }
        let found = candidates.filter { FileManager.default.isExecutableFile(atPath: $0) }
        let newest = found.max { modified($0) < modified($1) }
        return try #require(newest, "build the executable first: swift build (looked in \(candidates))")
    }

    private static func modified(_ path: String) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
    }

    static func launch(_ binary: String, config: String, log directory: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--config", config]
        // Relative paths in the config (token files) resolve against the working directory.
        process.currentDirectoryURL = directory
        let logURL = directory.appendingPathComponent("serve.log")
        if !FileManager.default.fileExists(atPath: logURL.path) { _ = FileManager.default.createFile(atPath: logURL.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: logURL)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }
}
