import Foundation
import Messages
import Testing
@testable import Store

@Suite struct AdmitTests {
    @Test(arguments: StoreKind.available) func admitsAndReadsBack(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let message = makeMessage(key: "LK-1", bodySize: 600)
            let results = try await store.admit([makeAdmission(message)])
            #expect(results == [.stored(message.id)])

            let stored = try #require(try await store.message(message.id)).message
            #expect(stored.id == message.id)
            #expect(stored.body == message.body)
            #expect(stored.contentHash == message.contentHash)
            #expect(stored.sender == message.sender)
            #expect(stored.type == message.type)
            #expect(stored.idempotencyKey == "LK-1")
            #expect(stored.correlationId == "corr-LK-1")
            #expect(stored.receivedAt == message.receivedAt)
            #expect(stored.attributes == ["province": "01"])
            #expect(Set(stored.businessKeys) == Set(message.businessKeys))

            let deliveries = try await store.deliveries(of: message.id)
            #expect(deliveries.map(\.destination) == ["bhxh", "ehealth"])
            #expect(deliveries.allSatisfy { $0.status == .pending && $0.attempts == 0 })

            let timeline = try await store.timeline(of: message.id)
            #expect(timeline.map(\.event) == ["received", "stored"])
            #expect(timeline.allSatisfy { $0.type == "hospital.visit" && $0.sender == "hospital-01013" })

            #expect(try await store.message(MessageID.generate()) == nil)
        }
    }

    @Test(arguments: StoreKind.available) func survivesReopen(kind: StoreKind) async throws {
        let database = try TestDatabase(kind)
        defer { database.remove() }
        let message = makeMessage(key: "LK-reopen")
        do {
            let store = try database.open()
            _ = try await store.admit([makeAdmission(message)])
            store.close()
            await #expect(throws: StoreError.self) { try await store.admit([makeAdmission(makeMessage(key: "x"))]) }
        }
        let store = try database.open()
        defer { store.close() }
        #expect(try await store.message(message.id)?.message.body == message.body)
        // The chain continues across restarts.
        _ = try await store.admit([makeAdmission(makeMessage(key: "LK-after"))])
        let verification = try await store.verifyLog()
        #expect(verification.ok)
        #expect(verification.checked == 4)
    }

    @Test(arguments: StoreKind.available) func groupCommitBatchesConcurrentAdmissions(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let count = 200
            let ids = try await withThrowingTaskGroup(of: AdmissionResult.self) { group in
                for index in 0..<count {
                    group.addTask { try await store.admit([makeAdmission(makeMessage(key: "LK-\(index)"))])[0] }
                }
                var ids: [MessageID] = []
                for try await result in group {
                    guard case .stored(let id) = result else { Issue.record("not stored: \(result)"); continue }
                    ids.append(id)
                }
                return ids
            }
            #expect(Set(ids).count == count)
            let stats = store.commitStats
            #expect(stats.items == count)
            #expect(stats.commits < count)
            #expect(stats.largestBatch > 1)
            #expect(stats.failedCommits == 0)
            let outbox = try await store.outboxStats()
            #expect(outbox.map(\.pending) == [count, count])
        }
    }

    @Test(arguments: StoreKind.available) func sequentialDuplicateAnswersTheOriginal(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let first = makeMessage(key: "LK-dup")
            let second = makeMessage(key: "LK-dup")  // new id, same content
            #expect(try await store.admit([makeAdmission(first)]) == [.stored(first.id)])
            let results = try await store.admit([makeAdmission(second)])
            guard case .duplicate(let duplicate) = results.first else {
                Issue.record("expected duplicate, got \(results)")
                return
            }
            #expect(duplicate.originalId == first.id)
            #expect(duplicate.sameContent)
            #expect(duplicate.originalReceivedAt == first.receivedAt)
            #expect(duplicate.originalDeliveries == ["ehealth": .pending, "bhxh": .pending])
            #expect(try await store.message(second.id) == nil)
            // The duplicate is logged against the original, and its own events are not written.
            let events = try await store.timeline(of: first.id).map(\.event)
            #expect(events == ["received", "stored", "duplicate"])
            // The same key from another sender is a different message.
            let other = makeMessage(key: "LK-dup", sender: "hospital-79001")
            #expect(try await store.admit([makeAdmission(other)]) == [.stored(other.id)])
        }
    }

    @Test(arguments: StoreKind.available) func sameKeyOtherContentIsAConflict(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let first = makeMessage(key: "LK-c", content: "one")
            let second = makeMessage(key: "LK-c", content: "two")
            _ = try await store.admit([makeAdmission(first)])
            let results = try await store.admit([makeAdmission(second)])
            guard case .duplicate(let duplicate) = results.first else {
                Issue.record("expected duplicate, got \(results)")
                return
            }
            #expect(duplicate.originalId == first.id)
            #expect(!duplicate.sameContent)
            #expect(try await store.timeline(of: first.id).last?.event == "conflict")
        }
    }

    @Test(arguments: StoreKind.available) func fiftyConcurrentIdenticalAdmissionsStoreOne(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let results = try await withThrowingTaskGroup(of: AdmissionResult.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await store.admit([makeAdmission(makeMessage(key: "LK-race"))])[0] }
                }
                var results: [AdmissionResult] = []
                for try await result in group { results.append(result) }
                return results
            }
            let stored = results.compactMap { result -> MessageID? in
                if case .stored(let id) = result { return id }
                return nil
            }
            let duplicates = results.compactMap { result -> AdmissionResult.Duplicate? in
                if case .duplicate(let duplicate) = result { return duplicate }
                return nil
            }
            #expect(stored.count == 1)
            #expect(duplicates.count == 49)
            #expect(duplicates.allSatisfy { $0.originalId == stored.first && $0.sameContent })
            #expect(try await store.outboxStats().map(\.pending) == [1, 1])
        }
    }

    @Test(arguments: StoreKind.available) func duplicatesWithinOneCallAreDetected(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let a = makeMessage(key: "LK-same-call")
            let b = makeMessage(key: "LK-same-call")
            let results = try await store.admit([makeAdmission(a), makeAdmission(b)])
            #expect(results.first == .stored(a.id))
            guard case .duplicate(let duplicate) = results.last else {
                Issue.record("expected duplicate, got \(results)")
                return
            }
            #expect(duplicate.originalId == a.id)
        }
    }

    @Test(arguments: StoreKind.available) func invalidAdmissionStoresNothingAndDoesNotHurtOthers(kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            let good = makeMessage(key: "LK-good")
            let bad = makeMessage(key: "LK-bad")
            let twice = [OutboxTarget(destination: "bhxh"), OutboxTarget(destination: "bhxh")]
            await #expect(throws: StoreError.self) {
                try await store.admit([makeAdmission(good), makeAdmission(bad, destinations: twice)])
            }
            #expect(try await store.message(good.id) == nil)
            // Same id twice (a caller bug) fails inside the writer: that job alone is rolled back.
            let reused = makeMessage(key: "LK-other")
            var clash = makeMessage(key: "LK-clash")
            clash.id = reused.id
            let failing = Task { try await store.admit([makeAdmission(reused), makeAdmission(clash)]) }
            let fine = Task { try await store.admit([makeAdmission(good)]) }
            let failure = await #expect(throws: StoreError.self) { try await failing.value }
            #expect(failure?.code == .invalid)
            #expect(try await fine.value == [.stored(good.id)])
            #expect(try await store.message(reused.id) == nil)
            #expect(try await store.verifyLog().ok)
        }
    }
}
