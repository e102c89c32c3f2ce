import Foundation
@testable import Gateway
import Messages
import Simulators
import Store
import Testing

@Suite(.serialized) struct IngestPipelineTests {
    @Test func acceptedNoteIsDeliveredOnceWithItsIdAsIdempotencyKey() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        let (status, body, headers) = await gateway.send("/v1/test/notes", body: #"{"key":"n-1","text":"hello"}"#,
                                                         headers: [("X-Correlation-Id", "corr-42")])
        #expect(status == 202)
        let id = try #require(gateway.json(body)["id"] as? String)
        #expect(gateway.json(body)["duplicate"] as? Bool == false)
        #expect(headers.contains { $0.0.lowercased() == "location" && $0.1 == "/v1/messages/\(id)" })
        #expect(await gateway.eventually { gateway.simulator.recorder.counts[id] == 1 })
        let recorded = try #require(gateway.simulator.recorder.request(key: id))
        #expect(recorded.firstHeaders["X-Interchange-Message-Id"] == id)
        #expect(recorded.firstHeaders["X-Correlation-Id"] == "corr-42")
        let sent = gateway.json(String(decoding: recorded.firstBody, as: UTF8.self))
        #expect((sent["record"] as? [String: Any])?["text"] as? String == "hello")
        // The sender sees its message delivered, with the timeline.
        #expect(await gateway.eventually {
            let (_, view, _) = await gateway.send("/v1/messages/\(id)", method: "GET")
            return gateway.json(view)["status"] as? String == "delivered"
        })
        let (_, view, _) = await gateway.send("/v1/messages/\(id)", method: "GET")
        let events = (gateway.json(view)["timeline"] as? [[String: Any]])?.compactMap { $0["event"] as? String } ?? []
        #expect(events == ["stored", "routed", "attempt", "delivered"])
        // Another agency can't see it.
        let (otherStatus, _, _) = await gateway.send("/v1/messages/\(id)", method: "GET", as: "court")
        #expect(otherStatus == 404)
        await gateway.shutdown()
    }

    @Test func sequentialAndConcurrentDuplicatesMakeOneMessageAndOneDelivery() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        let note = #"{"key":"dup-1","text":"same"}"#
        let (first, firstBody, _) = await gateway.send("/v1/test/notes", body: note)
        #expect(first == 202)
        let id = try #require(gateway.json(firstBody)["id"] as? String)
        let (again, againBody, _) = await gateway.send("/v1/test/notes", body: note)
        #expect(again == 200)
        #expect(gateway.json(againBody)["id"] as? String == id)
        #expect(gateway.json(againBody)["duplicate"] as? Bool == true)

        let concurrentNote = #"{"key":"dup-2","text":"raced"}"#
        let answers = await withTaskGroup(of: (Int, String).self) { group in
            for _ in 0..<50 {
                group.addTask {
                    let (status, body, _) = await gateway.send("/v1/test/notes", body: concurrentNote)
                    return (status, body)
                }
            }
            var all: [(Int, String)] = []
            for await answer in group { all.append(answer) }
            return all
        }
        #expect(answers.filter { $0.0 == 202 }.count == 1)
        #expect(answers.filter { $0.0 == 200 }.count == 49)
        let ids = Set(answers.compactMap { gateway.json($0.1)["id"] as? String })
        #expect(ids.count == 1)
        let racedID = try #require(ids.first)
        #expect(await gateway.eventually { gateway.simulator.recorder.counts[racedID] == 1 })
        try await Task.sleep(for: .milliseconds(300))
        #expect(gateway.simulator.recorder.total == 2)

        let (conflict, conflictBody, _) = await gateway.send("/v1/test/notes", body: #"{"key":"dup-1","text":"other"}"#)
        #expect(conflict == 409)
        #expect(gateway.json(conflictBody)["status"] as? Int == 409)
        await gateway.shutdown()
    }

    @Test func idempotencyKeyHeaderOverridesTheNaturalKey() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        let (a, aBody, _) = await gateway.send("/v1/test/notes", body: #"{"key":"k","text":"one"}"#,
                                              headers: [("Idempotency-Key", "header-1")])
        let (b, bBody, _) = await gateway.send("/v1/test/notes", body: #"{"key":"k","text":"one"}"#,
                                              headers: [("Idempotency-Key", "header-2")])
        #expect(a == 202 && b == 202)
        #expect(gateway.json(aBody)["id"] as? String != gateway.json(bBody)["id"] as? String)
        let (bad, badBody, _) = await gateway.send("/v1/test/notes", body: #"{"key":"k","text":"one"}"#,
                                                  headers: [("Idempotency-Key", String(repeating: "x", count: 201))])
        #expect(bad == 400)
        #expect(badBody.contains(#""field":"Idempotency-Key""#))
        await gateway.shutdown()
    }

    @Test func badRequestsGetProblemDocumentsNamingTheFieldAndNothingIsStored() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        let (noAuth, noAuthBody, noAuthHeaders) = await gateway.send("/v1/test/notes", body: #"{"key":"a","text":"b"}"#, as: nil)
        #expect(noAuth == 401)
        #expect(noAuthBody.contains("\"status\":401"))
        #expect(noAuthHeaders.contains { $0.0.lowercased() == "content-type" && $0.1 == "application/problem+json" })
        let (wrongType, _, _) = await gateway.send("/v1/test/notes", body: #"{"key":"a","text":"b"}"#, as: "court")
        #expect(wrongType == 403)
        let (invalid, invalidBody, _) = await gateway.send("/v1/test/notes", body: #"{"key":"","province":"99"}"#)
        #expect(invalid == 422)
        let problems = (gateway.json(invalidBody)["problems"] as? [[String: Any]]) ?? []
        #expect(Set(problems.compactMap { $0["field"] as? String }) == ["key", "text", "province"])
        let (malformed, malformedBody, _) = await gateway.send("/v1/test/notes", body: #"{"key":"#)
        #expect(malformed == 400)
        #expect(malformedBody.contains(#""field":"body""#))
        let (media, _, _) = await gateway.send("/v1/test/notes", body: "key=a", contentType: "application/x-www-form-urlencoded")
        #expect(media == 415)
        let (unknown, _, _) = await gateway.send("/v1/nowhere", body: "{}")
        #expect(unknown == 404)
        let (method, _, methodHeaders) = await gateway.send("/v1/test/notes", method: "GET")
        #expect(method == 405)
        #expect(methodHeaders.contains { $0.0.lowercased() == "allow" })
        // Still serving, and none of it reached the destination.
        let (ok, _, _) = await gateway.send("/v1/test/notes", body: #"{"key":"fine","text":"b"}"#)
        #expect(ok == 202)
        try await Task.sleep(for: .milliseconds(300))
        #expect(gateway.simulator.recorder.total == 1)
        await gateway.shutdown()
    }

    @Test func batchesGetPerItemReceipts() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        _ = await gateway.send("/v1/test/notes", body: #"{"key":"b-0","text":"first"}"#)
        let batch = #"[{"key":"b-0","text":"first"},{"key":"b-1","text":"x"},{"key":"","text":"y"},{"key":"b-3","text":"z"}]"#
        let (status, body, _) = await gateway.send("/v1/test/notes", body: batch)
        #expect(status == 200)
        let receipt = gateway.json(body)
        #expect(receipt["accepted"] as? Int == 2)
        #expect(receipt["duplicates"] as? Int == 1)
        #expect(receipt["rejected"] as? Int == 1)
        let items = (receipt["items"] as? [[String: Any]]) ?? []
        #expect(items.map { $0["status"] as? String } == ["duplicate", "accepted", "rejected", "accepted"])
        await gateway.shutdown()
    }

    @Test func rateLimitAnswers429WithRetryAfter() async throws {
        let gateway = try GatewayHarness(rateLimit: #"{"perSecond": 1, "burst": 3}"#)
        try gateway.startInProcess()
        var statuses: [Int] = []
        var retryAfter: String?
        for index in 0..<5 {
            let (status, _, headers) = await gateway.send("/v1/test/notes", body: #"{"key":"r-\#(index)","text":"x"}"#)
            statuses.append(status)
            if status == 429 { retryAfter = headers.first { $0.0.lowercased() == "retry-after" }?.1 }
        }
        #expect(statuses.prefix(3).allSatisfy { $0 == 202 })
        #expect(statuses.suffix(2).allSatisfy { $0 == 429 })
        #expect(retryAfter.flatMap(Int.init).map { $0 >= 1 } == true)
        await gateway.shutdown()
    }
}
