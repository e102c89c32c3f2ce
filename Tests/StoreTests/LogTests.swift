import Foundation
import Messages
import Testing
@testable import Store

@Suite struct LogTests {
    /// Two admitted messages (citizens A and B) plus unattached events.
    private func seed(_ store: any MessageStore) async throws -> (MessageID, MessageID) {
        let a = makeMessage(key: "LK-A", citizen: "001099000001")
        let b = makeMessage(key: "LK-B", sender: "hospital-79001", citizen: "079088000002", receivedAt: t0.addingTimeInterval(60))
        _ = try await store.admit([makeAdmission(a), makeAdmission(b)])
        try await store.appendLog([
            LogEvent(
                at: t0.addingTimeInterval(120),
                event: "rejected",
                detail: "{\"problems\":1}",
                type: "hospital.visit",
                sender: "hospital-01013",
                keys: [BusinessKey(kind: "citizen", value: "001099000001"), BusinessKey(kind: "ma_lk", value: "LK-REJ")]
            ),
            LogEvent(at: t0.addingTimeInterval(130), messageId: b.id, destination: "bhxh", event: "attempt", detail: "{\"status\":503}"),
        ])
        return (a.id, b.id)
    }

    private func events(_ store: any MessageStore, _ filter: LogFilter) async throws -> [LogEntry] {
        try await store.searchLog(filter, after: nil, limit: 100).entries
    }

    @Test(arguments: StoreKind.available) func filtersMatchEveryField(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let (a, b) = try await seed(store)
            #expect(try await events(store, LogFilter()).count == 6)
            #expect(try await events(store, LogFilter(messageId: a)).map(\.event) == ["stored", "received"])
            #expect(try await events(store, LogFilter(sender: "hospital-79001")).allSatisfy { $0.messageId == b })
            #expect(try await events(store, LogFilter(sender: "hospital-79001")).count == 3)  // attempt got b's sender
            #expect(try await events(store, LogFilter(destination: "bhxh")).map(\.event) == ["attempt"])
            #expect(try await events(store, LogFilter(event: "rejected")).count == 1)
            #expect(try await events(store, LogFilter(type: "hospital.visit")).count == 6)
            #expect(try await events(store, LogFilter(type: "court.verdict")).isEmpty)
            // Citizen: the message's events through its keys, plus the rejected request logged with the key.
            let citizenA = try await events(store, LogFilter(citizen: "001099000001"))
            #expect(citizenA.map(\.event) == ["rejected", "stored", "received"])
            #expect(try await events(store, LogFilter(citizen: "LK-A")).isEmpty)  // LK-A is not a citizen key
            #expect(try await events(store, LogFilter(key: "LK-A")).count == 2)
            #expect(try await events(store, LogFilter(key: "LK-REJ")).map(\.event) == ["rejected"])
            #expect(try await events(store, LogFilter(key: "079088000002")).count == 3)
            let window = LogFilter(since: t0.addingTimeInterval(60), until: t0.addingTimeInterval(130))
            #expect(try await events(store, window).map(\.event) == ["rejected", "stored", "received"])
            let combined = LogFilter(sender: "hospital-79001", event: "attempt", key: "LK-B", since: t0)
            #expect(try await events(store, combined).count == 1)
            let oldest = try await events(store, LogFilter(oldestFirst: true))
            #expect(oldest.map(\.seq) == [1, 2, 3, 4, 5, 6])
        }
    }

    @Test(arguments: StoreKind.available) func paginationIsStableWhileEntriesAreAppended(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            try await store.appendLog((0..<100).map { LogEvent(event: "received", detail: "{\"n\":\($0)}", sender: "s") })
            let writer = Task {
                for batch in 0..<20 {
                    try await store.appendLog((0..<5).map { LogEvent(event: "received", detail: "{\"late\":\(batch * 5 + $0)}", sender: "s") })
                }
            }
            var newestFirst: [Int64] = []
            var cursor: LogCursor?
            repeat {
                let page = try await store.searchLog(LogFilter(sender: "s"), after: cursor, limit: 7)
                newestFirst += page.entries.map(\.seq)
                cursor = page.next
                await Task.yield()
            } while cursor != nil
            var oldestFirst: [Int64] = []
            cursor = nil
            repeat {
                let page = try await store.searchLog(LogFilter(sender: "s", oldestFirst: true), after: cursor, limit: 9)
                oldestFirst += page.entries.map(\.seq)
                cursor = page.next
            } while cursor != nil
            try await writer.value

            // Newest first: everything from the newest at the first page down to 1, each once.
            let top = try #require(newestFirst.first)
            #expect(top >= 100)
            #expect(newestFirst == Array((1...top).reversed()))
            // Oldest first: a gapless prefix of the log, each once.
            #expect(oldestFirst == Array(1...Int64(oldestFirst.count)))
            #expect(oldestFirst.count >= 100)
            #expect(try await events(store, LogFilter(sender: "s")).count == 100)  // limit caps at 100 per page
            let all = try await store.searchLog(LogFilter(), after: nil, limit: 1000)
            #expect(all.entries.count == 200 && all.next == nil)
        }
    }

    @Test(arguments: StoreKind.available) func chainVerifiesAndNamesAnEditedEntry(kind: StoreKind) async throws {
        try await withStore(kind) { store, database in
            _ = try await seed(store)
            var verification = try await store.verifyLog()
            #expect(verification == LogVerification(ok: true, checked: 6, chains: ["local": 6]))

            try database.execute("UPDATE log SET detail = '{\"status\":200}' WHERE seq = 4")
            verification = try await store.verifyLog()
            #expect(!verification.ok)
            #expect(verification.firstBad == 4)
            #expect(verification.checked == 3)
            #expect(verification.reason?.contains("edited") == true)
        }
    }

    @Test(arguments: StoreKind.available) func chainNamesTheEntryAfterADeletedOne(kind: StoreKind) async throws {
        try await withStore(kind) { store, database in
            _ = try await seed(store)
            try database.execute("DELETE FROM log WHERE seq = 3")
            let verification = try await store.verifyLog()
            #expect(!verification.ok)
            #expect(verification.firstBad == 4)
            #expect(verification.reason?.contains("deleted") == true)
        }
    }

    @Test(arguments: StoreKind.available) func chainsAreKeptPerNodeAndResumeAfterForeignWrites(kind: StoreKind)
        async throws
    {
        let database = try TestDatabase(kind)
        defer { database.remove() }
        let first = try database.open(node: "node-a")
        try await first.appendLog([LogEvent(event: "received"), LogEvent(event: "stored")])
        first.close()
        let second = try database.open(node: "node-b")
        defer { second.close() }
        try await second.appendLog([LogEvent(event: "received")])
        let entries = try await second.searchLog(LogFilter(oldestFirst: true), after: nil, limit: 10).entries
        #expect(entries.map(\.node) == ["node-a", "node-a", "node-b"])
        #expect(entries[2].prevHash == LogChain.genesis)
        #expect(entries[1].prevHash == entries[0].hash)
        #expect(try await second.verifyLog() == LogVerification(ok: true, checked: 3, chains: ["node-a": 2, "node-b": 1]))
    }
}
