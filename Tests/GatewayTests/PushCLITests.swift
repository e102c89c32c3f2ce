import Foundation
@testable import Gateway
import Testing

/// `interchange push`, run as the built binary against an in-process gateway's public agency listener.
@Suite(.serialized) struct PushCLITests {
    private static var binary: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/interchange").path
    }

    /// Runs the binary; returns the exit status, stdout and stderr.
    private func run(_ arguments: [String], in directory: URL) async throws -> (Int32, String, String) {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build the interchange product first")
        return try await offPool { try Self.runBinary(arguments, in: directory) }
    }

    private static func runBinary(_ arguments: [String], in directory: URL) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    private func write(_ files: [String: String], in directory: URL) throws {
        for (name, text) in files {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    /// The summary line of `file`, split into columns.
    private func row(_ output: String, _ file: String) -> [String] {
        let line = output.split(separator: "\n").first { $0.hasPrefix(file + " ") } ?? ""
        return line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    }

    @Test func pushesFilesAndSummarises() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        let directory = gateway.directory
        try write([
            "a.json": #"{"key":"push-a","text":"first"}"#,
            "b.json": #"{"key":"push-b","text":"second"}"#,
            "again-a.json": #"{"key":"push-a","text":"first"}"#,
            "bad.json": #"{"key":"push-bad"}"#,
            "batch.json": #"[{"key":"push-c","text":"third"},{"key":"push-d","text":"fourth"},{"key":"push-e"}]"#,
            "notes.txt": "not a message",
        ], in: directory)
        let config = ["--config", gateway.configPath]

        // The first two alone: all accepted, exit 0, the messages reach the destination.
        let (okStatus, okOut, okErr) = try await run(["push", "a.json", "b.json", "--as", "notes"] + config, in: directory)
        #expect(okStatus == 0, "\(okOut)\(okErr)")
        #expect(row(okOut, "a.json").dropFirst().first == "accepted")
        #expect(row(okOut, "b.json").dropFirst().first == "accepted")
        #expect(okOut.contains("accepted 2, duplicates 0, rejected 0, errors 0"), "\(okOut)")
        #expect(!okErr.contains("\r["), "no progress bar when stderr is not a terminal")
        let id = try #require(row(okOut, "a.json").last)
        #expect(await gateway.eventually { gateway.simulator.recorder.counts[id] == 1 })

        // Everything: a duplicate, a rejection, a batch with one bad item and an unknown extension → exit 1.
        let files = ["again-a.json", "bad.json", "batch.json", "notes.txt"]
        let (status, out, err) = try await run(["push"] + files + ["--as", "notes", "--concurrency", "2"] + config, in: directory)
        #expect(status == 1, "\(out)\(err)")
        #expect(row(out, "again-a.json") == ["again-a.json", "duplicate", "original", id])
        #expect(row(out, "bad.json").prefix(3) == ["bad.json", "rejected", "422"])
        #expect(out.contains("text: text is required"), "\(out)")
        #expect(row(out, "batch.json").prefix(3) == ["batch.json", "batch", "2"])
        #expect(row(out, "notes.txt").prefix(2) == ["notes.txt", "error"])
        #expect(out.contains("accepted 2, duplicates 1, rejected 2, errors 1"), "\(out)")
        let (_, log, _) = await gateway.sendOperator("/v1/log?status=stored&sender=notes")
        #expect((gateway.json(log)["entries"] as? [Any])?.count == 4)

        // An explicit --type the agency may not send is refused by the gateway (403) → rejected.
        let (typeStatus, typeOut, _) = try await run(["push", "b.json", "--as", "notes", "--type", "verdicts"] + config,
                                               in: directory)
        #expect(typeStatus == 1)
        #expect(row(typeOut, "b.json").prefix(3) == ["b.json", "rejected", "403"])

        // Usage mistakes exit 2; a gateway that is not there is an error (exit 1).
        let (unknownAgency, _, unknownErr) = try await run(["push", "a.json", "--as", "nobody"] + config, in: directory)
        #expect(unknownAgency == 2)
        #expect(unknownErr.contains("notes, court"))
        let (badType, _, _) = try await run(["push", "a.json", "--as", "notes", "--type", "memos"] + config, in: directory)
        #expect(badType == 2)
        let (down, downOut, _) = try await run(["push", "a.json", "--as", "notes", "--url", "http://127.0.0.1:9"] + config,
                                         in: directory)
        #expect(down == 1)
        #expect(row(downOut, "a.json").dropFirst().first == "error")
        await gateway.shutdown()
    }
}
