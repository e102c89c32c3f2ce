import Foundation
@testable import Gateway
import Store
import Testing

@Suite(.serialized) struct OperatorMetricsTests {
    /// Runs `promtool check metrics` on `text`; returns its exit status and output.
    private func promtool(_ text: String) throws -> (Int32, String) {
        let path = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let executable = try #require(path, "promtool is missing: `make deps-test` installs the Debian package prometheus")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func metricsCountOutcomesAndPassPromtool() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        _ = await gateway.send("/v1/test/notes", body: #"{"key":"m-1","text":"a"}"#)
        _ = await gateway.send("/v1/test/notes", body: #"{"key":"m-2","text":"b"}"#)
        _ = await gateway.send("/v1/test/notes", body: #"{"key":"m-1","text":"a"}"#)
        _ = await gateway.send("/v1/test/notes", body: #"{"key":"m-1","text":"changed"}"#)
        _ = await gateway.send("/v1/test/notes", body: #"{"key":"","text":""}"#)
        #expect(await gateway.eventually { gateway.simulator.recorder.total == 2 })
        var text = ""
        #expect(await gateway.eventually {
            let (status, body, _) = await gateway.sendOperator("/metrics", as: nil)
            text = body
            return status == 200 && body.contains(#"interchange_deliveries_total{destination="sim",outcome="delivered"} 2"#)
        })
        #expect(text.contains(#"interchange_messages_total{type="test.note",sender="notes",outcome="accepted"} 2"#))
        #expect(text.contains(#"interchange_messages_total{type="test.note",sender="notes",outcome="duplicate"} 1"#))
        #expect(text.contains(#"interchange_messages_total{type="test.note",sender="notes",outcome="conflict"} 1"#))
        #expect(text.contains(#"interchange_messages_total{type="test.note",sender="notes",outcome="rejected"} 1"#))
        #expect(text.contains("interchange_ingest_seconds_count 5"))
        #expect(text.contains(#"interchange_ingest_seconds_bucket{le="+Inf"} 5"#))
        #expect(text.contains(#"interchange_delivery_seconds_count{destination="sim"} 2"#))
        #expect(text.contains(#"interchange_outbox_pending{destination="sim"} 0"#))
        #expect(text.contains(#"interchange_breaker_state{destination="sim"} 0"#))
        #expect(text.contains("interchange_store_commit_batch_size_count "))
        let (status, report) = try promtool(text)
        #expect(status == 0, "promtool: \(report)")
        // promtool is strict enough to fail a broken exposition (this guards the check itself).
        let (brokenStatus, _) = try promtool("# TYPE x counter\nx{a=\"1} 1\n")
        #expect(brokenStatus != 0)
        await gateway.shutdown()
    }

    @Test func statsShowOutboxAndTheLastHour() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        _ = await gateway.send("/v1/test/notes", body: #"{"key":"s-1","text":"a"}"#)
        _ = await gateway.send("/v1/test/notes", body: #"{"key":"","text":""}"#)
        #expect(await gateway.eventually { gateway.simulator.recorder.total == 1 })
        var stats: [String: Any] = [:]
        #expect(await gateway.eventually {
            let (_, body, _) = await gateway.sendOperator("/v1/stats", as: "viewer")
            stats = gateway.json(body)
            let sim = (stats["destinations"] as? [[String: Any]])?.first { $0["destination"] as? String == "sim" }
            return sim?["delivered"] as? Int == 1
        })
        let sim = try #require((stats["destinations"] as? [[String: Any]])?.first)
        #expect(sim["pending"] as? Int == 0)
        #expect(sim["breaker"] as? String == "closed")
        #expect(sim["active_requests"] as? Int == 0)
        let hour = try #require(stats["last_hour"] as? [String: Any])
        let events = try #require(hour["by_event"] as? [String: Int])
        #expect(events["stored"] == 1 && events["rejected"] == 1 && events["delivered"] == 1)
        #expect((hour["by_sender"] as? [String: Int])?["notes"] ?? 0 >= 4)
        #expect((hour["by_type"] as? [String: Int])?["test.note"] ?? 0 >= 4)
        await gateway.shutdown()
    }

    @Test func readinessWarnsAboutExpiringAndFailsOnExpiredCertificates() async throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("ready-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func certificate(_ name: String, days: Int) throws -> String {
            let path = directory.appendingPathComponent("\(name).crt").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                 "-keyout", directory.appendingPathComponent("\(name).key").path, "-out", path,
                                 "-subj", "/CN=\(name)", "-days", String(days)]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            return path
        }
        let store = try SQLiteStore(path: directory.appendingPathComponent("store.db").path)
        defer { store.close() }
        let fresh = try certificate("fresh", days: 365)
        let soon = try certificate("soon", days: 10)
        let (ok, okDetail) = await ReadinessProbe(store: store, certificatePaths: [fresh]).check()
        #expect(ok && okDetail["warning"] == nil && okDetail["store"] == "ok")
        let (warned, warnedDetail) = await ReadinessProbe(store: store, certificatePaths: [fresh, soon]).check()
        #expect(warned)
        #expect(warnedDetail["warning"]?.contains("soon.crt") == true)
        let (expired, expiredDetail) = await ReadinessProbe(store: store, certificatePaths: [soon])
            .check(now: Date().addingTimeInterval(11 * 86_400))
        #expect(!expired)
        #expect(expiredDetail["certificates"]?.hasPrefix("expired") == true)
        store.close()
        let (closed, closedDetail) = await ReadinessProbe(store: store, certificatePaths: []).check()
        #expect(!closed)
        #expect(closedDetail["store"]?.hasPrefix("unavailable") == true)
    }
}
