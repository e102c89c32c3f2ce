import Foundation
import Messages
import Testing
@testable import Store

@Suite struct OutboxTests {
    private func admitThree(_ store: any MessageStore, destinations: [OutboxTarget]? = nil) async throws -> [MessageID] {
        var ids: [MessageID] = []
        for index in 0..<3 {
            let message = makeMessage(key: "LK-o\(index)", receivedAt: t0.addingTimeInterval(Double(index)))
            ids.append(try await store.admit([makeAdmission(message, destinations: destinations)])[0].id)
        }
        return ids
    }

    @Test(arguments: StoreKind.available) func claimedRowsAreLeasedUntilTheLeaseExpires(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let ids = try await admitThree(store)
            let now = t0.addingTimeInterval(10)
            let first = try await store.claim(destination: "bhxh", limit: 2, lease: .seconds(30), now: now)
            #expect(first.map(\.message.id) == Array(ids.prefix(2)))  // oldest due first
            #expect(first.allSatisfy { $0.attempt == 1 && $0.claimToken == 1 && $0.destination == "bhxh" })
            #expect(first.first?.message.body == makeMessage(key: "LK-o0").body)
            #expect(first.first?.leaseUntil == now.addingTimeInterval(30))

            let second = try await store.claim(destination: "bhxh", limit: 10, lease: .seconds(30), now: now)
            #expect(second.map(\.message.id) == [ids[2]])
            #expect(try await store.claim(destination: "bhxh", limit: 10, lease: .seconds(30), now: now).isEmpty)
            // Another destination's rows are independent.
            #expect(try await store.claim(destination: "ehealth", limit: 10, lease: .seconds(30), now: now).count == 3)

            let later = now.addingTimeInterval(29)
            #expect(try await store.claim(destination: "bhxh", limit: 10, lease: .seconds(30), now: later).isEmpty)

            let expired = now.addingTimeInterval(31)
            let again = try await store.claim(destination: "bhxh", limit: 10, lease: .seconds(30), now: expired)
            #expect(again.count == 3)
            #expect(again.allSatisfy { $0.attempt == 2 && $0.claimToken == 2 })
        }
    }

    /// One `complete` with several rows (PostgreSQL records the deliveries of a batch in one statement):
    /// each row gets its own status, time, answer and reference, and the log events their message's type and sender.
    @Test(arguments: StoreKind.available) func aBatchOfOutcomesIsRecordedRowByRow(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let ids = try await admitThree(store)
            let now = t0.addingTimeInterval(10)
            let items = try await store.claim(destination: "bhxh", limit: 3, lease: .seconds(30), now: now)
            #expect(items.map(\.message.id) == ids)
            func events(_ at: Date) -> [LogEvent] {
                [LogEvent(at: at, event: "attempt", detail: "{}"), LogEvent(at: at, event: "delivered", detail: "{}")]
            }
            try await store.complete([
                AttemptOutcome(item: items[0], disposition: .delivered(at: now.addingTimeInterval(1)), statusCode: 200,
                               response: "{\"ok\":\"a\\\"b\"}", externalRef: "GD-0", events: events(now.addingTimeInterval(1))),
                AttemptOutcome(item: items[1], disposition: .retry(at: now.addingTimeInterval(60)), statusCode: 503,
                               error: "busy", events: [LogEvent(at: now, event: "retry_scheduled", detail: "{}")]),
                AttemptOutcome(item: items[2], disposition: .delivered(at: now.addingTimeInterval(2)), statusCode: 201,
                               events: events(now.addingTimeInterval(2))),
            ])
            let records = try await [ids[0], ids[1], ids[2]].asyncMap { id in
                try #require(try await store.deliveries(of: id).first { $0.destination == "bhxh" })
            }
            #expect(records[0].status == .delivered && records[0].lastStatus == 200 && records[0].externalRef == "GD-0")
            #expect(records[0].deliveredAt == now.addingTimeInterval(1) && records[0].leaseUntil == nil)
            #expect(records[0].lastResponse == "{\"ok\":\"a\\\"b\"}")
            #expect(records[1].status == .pending && records[1].lastStatus == 503 && records[1].lastError == "busy")
            #expect(records[1].nextAttemptAt == now.addingTimeInterval(60))
            #expect(records[2].status == .delivered && records[2].lastStatus == 201 && records[2].externalRef == nil)
            #expect(records[2].deliveredAt == now.addingTimeInterval(2))
            let logged = try await store.searchLog(LogFilter(event: "delivered"), after: nil, limit: 10).entries
            #expect(Set(logged.compactMap(\.messageId)) == [ids[0], ids[2]])
            let message = makeMessage(key: "LK-o0")
            #expect(logged.allSatisfy { $0.type == message.type.rawValue && $0.sender == message.sender })
            #expect(try await store.verifyLog().ok)
        }
    }

    @Test(arguments: StoreKind.available) func staleLeaseHolderCannotRegressTheRow(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let id = try await admitThree(store)[0]
            let now = t0.addingTimeInterval(10)
            let stale = try #require(try await store.claim(destination: "bhxh", limit: 1, lease: .seconds(5), now: now).first)
            let fresh = try #require(
                try await store.claim(destination: "bhxh", limit: 1, lease: .seconds(5), now: now.addingTimeInterval(6)).first
            )
            #expect(fresh.message.id == id)
            #expect(fresh.claimToken == stale.claimToken + 1)

            // The stale holder's retry must not release the fresh holder's lease.
            try await store.complete([AttemptOutcome(item: stale, disposition: .retry(at: now), statusCode: 503)])
            var record = try #require(try await store.deliveries(of: id).first { $0.destination == "bhxh" })
            #expect(record.status == .pending)
            #expect(record.leaseUntil == now.addingTimeInterval(11))
            #expect(record.lastStatus == nil)

            let deliveredAt = now.addingTimeInterval(7)
            try await store.complete([
                AttemptOutcome(
                    item: fresh,
                    disposition: .delivered(at: deliveredAt),
                    statusCode: 200,
                    response: "{\"maKetQua\":\"200\",\"maGiaoDich\":\"GD-1\"}",
                    externalRef: "GD-1",
                    events: [LogEvent(at: deliveredAt, event: "delivered", detail: "{\"status\":200}")]
                )
            ])
            // Late outcomes of either holder, in any form, never turn delivered back.
            try await store.complete([
                AttemptOutcome(item: stale, disposition: .delivered(at: now.addingTimeInterval(60)), statusCode: 201),
                AttemptOutcome(item: stale, disposition: .retry(at: now), statusCode: 503),
                AttemptOutcome(item: fresh, disposition: .retry(at: now), statusCode: 503),
                AttemptOutcome(item: fresh, disposition: .dead(reason: "too many attempts")),
                AttemptOutcome(item: fresh, disposition: .held),
            ])
            record = try #require(try await store.deliveries(of: id).first { $0.destination == "bhxh" })
            #expect(record.status == .delivered)
            #expect(record.deliveredAt == deliveredAt)
            #expect(record.lastStatus == 200)
            #expect(record.externalRef == "GD-1")
            #expect(record.lastResponse?.contains("GD-1") == true)
            #expect(record.leaseUntil == nil)
            let timeline = try await store.timeline(of: id)
            let delivered = try #require(timeline.first { $0.event == "delivered" })
            #expect(delivered.destination == "bhxh" && delivered.type == "hospital.visit")
            #expect(try await store.claim(destination: "bhxh", limit: 10, lease: .seconds(5), now: now.addingTimeInterval(100))
                .allSatisfy { $0.message.id != id })
        }
    }

    @Test(arguments: StoreKind.available) func retryScheduleIsRespected(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let id = try await admitThree(store, destinations: [OutboxTarget(destination: "doj")])[0]
            let now = t0.addingTimeInterval(10)
            let items = try await store.claim(destination: "doj", limit: 1, lease: .seconds(30), now: now)
            let item = try #require(items.first)
            let retryAt = now.addingTimeInterval(60)
            let longError = String(repeating: "é", count: 3000)  // 6000 bytes: truncated to ≤ 4 KiB
            try await store.complete([
                AttemptOutcome(item: item, disposition: .retry(at: retryAt), statusCode: 503, error: "busy", response: longError)
            ])
            let record = try #require(try await store.deliveries(of: id).first)
            #expect(record.status == .pending && record.nextAttemptAt == retryAt && record.leaseUntil == nil)
            #expect(record.lastStatus == 503 && record.lastError == "busy")
            let response = try #require(record.lastResponse)
            #expect(response.utf8.count <= 4096 && response.utf8.count >= 4094 && response.allSatisfy { $0 == "é" })

            let early = try await store.claim(destination: "doj", limit: 10, lease: .seconds(30), now: retryAt.addingTimeInterval(-1))
            #expect(!early.contains { $0.message.id == id })
            let due = try await store.claim(destination: "doj", limit: 10, lease: .seconds(30), now: retryAt)
            #expect(due.first { $0.message.id == id }?.attempt == 2)
        }
    }

    @Test(arguments: StoreKind.available) func heldRowsWaitForRelease(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let message = makeMessage(key: "LK-held")
            let notBefore = t0.addingTimeInterval(100)
            _ = try await store.admit([
                makeAdmission(
                    message,
                    destinations: [OutboxTarget(destination: "doj", held: true), OutboxTarget(destination: "ehealth", notBefore: notBefore)]
                )
            ])
            let now = t0.addingTimeInterval(50)
            #expect(try await store.claim(destination: "doj", limit: 10, lease: .seconds(30), now: now).isEmpty)
            #expect(try await store.claim(destination: "ehealth", limit: 10, lease: .seconds(30), now: now).isEmpty)
            #expect(try await store.outboxStats().first { $0.destination == "doj" }?.held == 1)
            try await store.complete([
                AttemptOutcome(
                    messageId: message.id,
                    destination: "doj",
                    claimToken: nil,
                    disposition: .retry(at: now),
                    events: [LogEvent(at: now, event: "verified")]
                )
            ])
            #expect(try await store.claim(destination: "doj", limit: 10, lease: .seconds(30), now: now).count == 1)
            #expect(try await store.claim(destination: "ehealth", limit: 10, lease: .seconds(30), now: notBefore).count == 1)
        }
    }

    @Test(arguments: StoreKind.available) func replayRequeuesExactlyOncePerDestination(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let id = try await admitThree(store)[0]
            let now = t0.addingTimeInterval(10)
            for destination in ["bhxh", "ehealth"] {
                let item = try #require(
                    try await store.claim(destination: destination, limit: 1, lease: .seconds(30), now: now).first
                )
                let disposition: AttemptOutcome.Disposition =
                    destination == "bhxh" ? .delivered(at: now) : .dead(reason: "422 rejected")
                try await store.complete([AttemptOutcome(item: item, disposition: disposition, statusCode: 422)])
            }
            #expect(try await store.deliveries(of: id).first { $0.destination == "ehealth" }?.lastError == "422 rejected")

            #expect(try await store.replay(id, destination: "bhxh", by: "operator-an") == 1)
            #expect(try await store.replay(id, destination: nil, by: "operator-an") == 1)  // only ehealth is left
            #expect(try await store.replay(id, destination: nil, by: "operator-an") == 0)
            let records = try await store.deliveries(of: id)
            #expect(records.allSatisfy { $0.status == .pending && $0.attempts == 0 && $0.deliveredAt == nil })
            let replayed = try await store.timeline(of: id).filter { $0.event == "replayed" }
            #expect(replayed.count == 2)
            #expect(Set(replayed.compactMap(\.destination)) == ["bhxh", "ehealth"])
            #expect(replayed.allSatisfy { $0.actor == "operator-an" && $0.sender == "hospital-01013" })
            // Replayed rows are claimable again, with fresh attempt numbers and a newer fencing token.
            let again = try await store.claim(destination: "bhxh", limit: 10, lease: .seconds(30), now: Date())
            let row = try #require(again.first { $0.message.id == id })
            #expect(row.attempt == 1 && row.claimToken == 2)
        }
    }

    @Test(arguments: StoreKind.available) func deadLettersReplayByDestination(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let ids = try await admitThree(store)
            let now = t0.addingTimeInterval(10)
            for destination in ["bhxh", "ehealth"] {
                let items = try await store.claim(destination: destination, limit: 10, lease: .seconds(30), now: now)
                try await store.complete(items.map { AttemptOutcome(item: $0, disposition: .dead(reason: "expired")) })
            }
            var stats = try await store.outboxStats()
            #expect(stats.map(\.dead) == [3, 3])
            let future = Date().addingTimeInterval(3600)
            #expect(try await store.replayDeadLetters(destination: "bhxh", since: future, until: nil, by: "op") == 0)
            #expect(try await store.replayDeadLetters(destination: "bhxh", since: nil, until: future, by: "op") == 3)
            stats = try await store.outboxStats()
            #expect(stats.first { $0.destination == "bhxh" }?.pending == 3)
            #expect(stats.first { $0.destination == "bhxh" }?.oldestPendingReceivedAt == t0)
            #expect(stats.first { $0.destination == "ehealth" }?.dead == 3)
            #expect(try await store.timeline(of: ids[1]).filter { $0.event == "replayed" }.count == 1)
        }
    }

    @Test(arguments: StoreKind.available) func inflightCountsLiveLeases(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            _ = try await admitThree(store)
            _ = try await store.claim(destination: "bhxh", limit: 2, lease: .seconds(60), now: Date())
            let stats = try #require(try await store.outboxStats().first { $0.destination == "bhxh" })
            #expect(stats.inflight == 2 && stats.pending == 1 && stats.delivered == 0)
        }
    }
}

extension Array {
    /// `map` with an async throwing transform, in order.
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
