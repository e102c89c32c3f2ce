import CSQLite
import Foundation
@testable import Gateway
import Testing

/// The store failing must never look like success: nothing is acknowledged that is not on disk.
@Suite(.serialized) struct StoreFailureTests {
    @Test func corruptedDatabaseStopsTheStartNamingTheFile() throws {
        let gateway = try GatewayHarness()
        defer { gateway.simulator.shutdown() }
        let data = gateway.directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let file = data.appendingPathComponent("interchange.db")
        try Data(repeating: 0x5a, count: 8192).write(to: file)
        let config = try GatewayConfig.load(path: gateway.configPath, baseDirectory: gateway.directory.path)
        do {
            _ = try GatewayRuntime(config: config)
            Issue.record("the gateway started on a corrupted database")
        } catch {
            #expect(error.description.contains(file.path))
        }
        // The file was not replaced by a fresh database.
        #expect(try Data(contentsOf: file) == Data(repeating: 0x5a, count: 8192))
    }

    @Test func lockedStoreAnswers503AndAcceptsAgainWhenReleased() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        let (first, _, _) = await gateway.send("/v1/test/notes", body: #"{"key":"before","text":"x"}"#)
        #expect(first == 202)
        // Another process-like connection takes the write lock and keeps it past the store's busy timeout.
        var db: OpaquePointer?
        let path = gateway.directory.appendingPathComponent("data/interchange.db").path
        #expect(sqlite3_open(path, &db) == SQLITE_OK)
        sqlite3_busy_timeout(db, 5000)
        #expect(sqlite3_exec(db, "BEGIN EXCLUSIVE", nil, nil, nil) == SQLITE_OK)
        let (locked, body, headers) = await gateway.send("/v1/test/notes", body: #"{"key":"during","text":"x"}"#,
                                                           timeout: .seconds(60))
        #expect(locked == 503)
        #expect(body.contains(#""status":503"#))
        #expect(headers.contains { $0.0.lowercased() == "retry-after" })
        #expect(sqlite3_exec(db, "ROLLBACK", nil, nil, nil) == SQLITE_OK)
        sqlite3_close(db)
        // Nothing of the refused request was stored: the same note is new now.
        let (after, _, _) = await gateway.send("/v1/test/notes", body: #"{"key":"during","text":"x"}"#)
        #expect(after == 202)
        await gateway.shutdown()
    }
}
