import Foundation
@testable import Gateway
import Testing

/// `interchange log`, `log verify`, `show` and `replay`, run as the built binary against a harness's store.
@Suite(.serialized) struct OperatorCLITests {
    /// `.build/debug/interchange`, found from this file's path (`swift build --build-tests` builds it).
    private static var binary: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/interchange").path
    }

    private func run(_ arguments: [String], in directory: URL) throws -> (Int32, String) {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build the interchange product first")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
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

    private func sqlite(_ database: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()",
                             database, sql]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func logShowReplayAndVerifyThroughTheBinary() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        let (_, posted, _) = await gateway.send("/v1/test/notes", body: #"{"key":"cli-1","text":"hello"}"#)
        let id = try #require(gateway.json(posted)["id"] as? String)
        _ = await gateway.send("/v1/test/notes", body: #"{"key":"cli-2","text":"again"}"#)
        #expect(await gateway.eventually { gateway.simulator.recorder.total == 2 })
        #expect(await gateway.eventually {
            let (_, body, _) = await gateway.sendOperator("/v1/log?status=delivered")
            return (gateway.json(body)["entries"] as? [Any])?.count == 2
        })
        let config = ["--config", gateway.configPath]
        let directory = gateway.directory

        // Side by side with the running gateway.
        let (logStatus, table) = try run(["log", "--status", "delivered"] + config, in: directory)
        #expect(logStatus == 0, "\(table)")
        #expect(table.hasPrefix("SEQ"))
        #expect(table.split(separator: "\n").count == 3)
        let (_, jsonLines) = try run(["log", "--json", "--key", "cli-1", "--limit", "1000"] + config, in: directory)
        let objects = jsonLines.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(objects.map { $0["event"] as? String } == ["stored", "routed", "attempt", "delivered"])
        #expect(objects.allSatisfy { $0["message_id"] as? String == id })
        let (badLimit, _) = try run(["log", "--limit", "0"] + config, in: directory)
        #expect(badLimit == 2)

        let (showStatus, shown) = try run(["show", id] + config, in: directory)
        #expect(showStatus == 0, "\(shown)")
        #expect(shown.contains("DELIVERIES") && shown.contains("TIMELINE") && shown.contains("delivered"))
        let (_, shownJSON) = try run(["show", id, "--json", "--body"] + config, in: directory)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(shownJSON.utf8)) as? [String: Any])
        #expect((document["body"] as? [String: Any])?["text"] as? String == "hello")

        let (replayStatus, replayed) = try run(["replay", id, "--destination", "sim"] + config, in: directory)
        #expect(replayStatus == 0, "\(replayed)")
        #expect(replayed.contains("re-queued 1"))
        // The running gateway's deliverer picks the row up at its next poll.
        #expect(await gateway.eventually { gateway.simulator.recorder.counts[id] == 2 })
        let (_, audit) = try run(["log", "--status", "replayed", "--json"] + config, in: directory)
        #expect(audit.contains("\"actor\":\"cli:"))

        let (verifyStatus, verified) = try run(["log", "verify"] + config, in: directory)
        #expect(verifyStatus == 0, "\(verified)")
        #expect(verified.hasPrefix("log OK"))

        // Edit one entry behind the store's back: verify names it.
        await gateway.runtime?.stop()
        let database = directory.appendingPathComponent("data/interchange.db").path
        try sqlite(database, #"UPDATE log SET detail = '{"tampered":true}' WHERE seq = 3"#)
        let (brokenStatus, broken) = try run(["log", "verify"] + config, in: directory)
        #expect(brokenStatus == 1)
        #expect(broken.contains("seq 3"), "\(broken)")
        await gateway.shutdown()
    }
}
