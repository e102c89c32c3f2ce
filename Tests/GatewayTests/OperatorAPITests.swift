import Foundation
@testable import Gateway
import Messages
import Simulators
import Store
import Testing

@Suite(.serialized) struct OperatorAPITests {
    /// Posts a note and returns its id.
    private func post(_ gateway: GatewayHarness, _ key: String, text: String = "hello") async throws -> String {
        let (status, body, _) = await gateway.send("/v1/test/notes", body: #"{"key":"\#(key)","text":"\#(text)"}"#)
        #expect(status == 202)
        return try #require(gateway.json(body)["id"] as? String)
    }

    /// Stores a message carrying a citizen ID number and a name directly (no adapter emits both yet).
    private func admitPerson(_ gateway: GatewayHarness) async throws -> MessageID {
        let runtime = try #require(gateway.runtime)
        let message = CanonicalMessage(
            type: "test.note", sender: "notes", idempotencyKey: "person-1",
            businessKeys: [BusinessKey(kind: "citizen", value: "001234567345"), BusinessKey(kind: "name", value: "Nguyễn Văn An")],
            correlationId: "corr-person",
            body: Array(#"{"citizen":"001234567345","name":"Nguyễn Văn An"}"#.utf8),
            attributes: ["fullName": "Nguyễn Văn An", "province": "01"]
        )
        let results = try await runtime.store.admit([Admission(message: message, destinations: [], events: [
            LogEvent(event: "stored", detail: #"{"note":"citizen 001234567345 checked in"}"#),
        ])])
        guard case .stored(let id) = try #require(results.first) else {
            Issue.record("not stored")
            return message.id
        }
        return id
    }

    private func entries(_ gateway: GatewayHarness, _ body: String) -> [[String: Any]] {
        gateway.json(body)["entries"] as? [[String: Any]] ?? []
    }

    @Test func logFiltersAndBadParameters() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        var ids: [String] = []
        for index in 1...3 { ids.append(try await post(gateway, "n-\(index)")) }
        _ = try await admitPerson(gateway)
        let (status, body, _) = await gateway.sendOperator("/v1/log?type=test.note&status=routed", as: "viewer")
        #expect(status == 200)
        #expect(entries(gateway, body).count == 3)
        let (_, byKey, _) = await gateway.sendOperator("/v1/log?key=n-2")
        let keyed = entries(gateway, byKey)
        #expect(!keyed.isEmpty && keyed.allSatisfy { $0["message_id"] as? String == ids[1] })
        let (_, byMessage, _) = await gateway.sendOperator("/v1/log?message=\(ids[2])&order=oldest")
        #expect(entries(gateway, byMessage).first?["event"] as? String == "stored")
        let (_, byCitizen, _) = await gateway.sendOperator("/v1/log?citizen=001234567345")
        #expect(entries(gateway, byCitizen).map { $0["event"] as? String } == ["stored"])
        #expect(await gateway.eventually {
            let (_, delivered, _) = await gateway.sendOperator("/v1/log?destination=sim&status=delivered&sender=notes")
            return entries(gateway, delivered).count == 3
        })
        let (_, future, _) = await gateway.sendOperator("/v1/log?since=2099-01-01")
        #expect(entries(gateway, future).isEmpty)
        let (_, limited, _) = await gateway.sendOperator("/v1/log?limit=2")
        #expect(entries(gateway, limited).count == 2)
        #expect(gateway.json(limited)["next"] is String)
        for (query, field) in [("limit=0", "limit"), ("since=yesterday", "since"), ("citizen=12", "citizen"),
                               ("cursor=x", "cursor"), ("colour=red", "colour")] {
            let (bad, problem, _) = await gateway.sendOperator("/v1/log?\(query)")
            #expect(bad == 400, "\(query)")
            let fields = (gateway.json(problem)["problems"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
            #expect(fields == [field], "\(query)")
        }
        await gateway.shutdown()
    }

    @Test func paginationIsStableWhileMessagesArrive() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        for index in 0..<20 { _ = try await post(gateway, "before-\(index)") }
        // Page through everything while another task keeps posting.
        let writer = Task {
            for index in 0..<20 { _ = try? await post(gateway, "during-\(index)") }
        }
        var seen: [Int] = []
        var cursor: String?
        var firstSeq: Int?
        repeat {
            let path = "/v1/log?limit=7" + (cursor.map { "&cursor=\($0)" } ?? "")
            let (status, body, _) = await gateway.sendOperator(path, as: "viewer")
            #expect(status == 200)
            let page = entries(gateway, body).compactMap { $0["seq"] as? Int }
            if firstSeq == nil { firstSeq = page.first }
            seen += page
            cursor = gateway.json(body)["next"] as? String
            try await Task.sleep(for: .milliseconds(5))
        } while cursor != nil
        await writer.value
        let top = try #require(firstSeq)
        #expect(Set(seen).count == seen.count, "no entry twice")
        #expect(seen == seen.sorted(by: >), "newest first, strictly")
        // Every entry at or below the first page's top was returned: none skipped.
        let runtime = try #require(gateway.runtime)
        var all: [Int64] = []
        var storeCursor: LogCursor?
        repeat {
            let page = try await runtime.store.searchLog(LogFilter(oldestFirst: true), after: storeCursor, limit: 1000)
            all += page.entries.map(\.seq)
            storeCursor = page.next
        } while storeCursor != nil
        #expect(Set(seen) == Set(all.filter { $0 <= top }.map { Int($0) }))
        #expect(all.count > seen.count, "entries were added during paging")
        await gateway.shutdown()
    }

    @Test func viewersSeeMaskedDataAndNoBodies() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        let id = try await admitPerson(gateway)
        let (status, body, _) = await gateway.sendOperator("/v1/messages/\(id)", as: "viewer")
        #expect(status == 200)
        #expect(!body.contains("001234567345") && !body.contains("Nguyễn"))
        let view = gateway.json(body)
        let keys = (view["business_keys"] as? [[String: String]]) ?? []
        #expect(keys.contains { $0["kind"] == "citizen" && $0["value"] == "001******345" })
        #expect(keys.contains { $0["kind"] == "name" && $0["value"] == "N.V.A." })
        #expect((view["attributes"] as? [String: String])?["fullName"] == "N.V.A.")
        #expect(view["body"] == nil)
        #expect(view["masked"] as? Bool == true)
        let (forbidden, _, _) = await gateway.sendOperator("/v1/messages/\(id)?body=true", as: "viewer")
        #expect(forbidden == 403)
        let (_, log, _) = await gateway.sendOperator("/v1/log?message=\(id)", as: "viewer")
        #expect(log.contains("001******345") && !log.contains("001234567345"))

        let (_, unmasked, _) = await gateway.sendOperator("/v1/messages/\(id)", as: "operator")
        #expect(unmasked.contains("001234567345") && unmasked.contains("Nguyễn Văn An"))
        #expect(gateway.json(unmasked)["body"] == nil)
        let (_, withBody, _) = await gateway.sendOperator("/v1/messages/\(id)?body=true", as: "auditor")
        #expect((gateway.json(withBody)["body"] as? [String: Any])?["citizen"] as? String == "001234567345")
        let (_, operatorLog, _) = await gateway.sendOperator("/v1/log?message=\(id)", as: "operator")
        #expect(operatorLog.contains("001234567345"))
        let (unknown, _, _) = await gateway.sendOperator("/v1/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV")
        #expect(unknown == 404)
        await gateway.shutdown()
    }

    @Test func credentialsAndRoles() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        let (none, noneBody, headers) = await gateway.sendOperator("/v1/log", as: nil)
        #expect(none == 401)
        #expect(noneBody.contains("\"status\":401"))
        #expect(headers.contains { $0.0.lowercased() == "www-authenticate" })
        let (bad, _, _) = await gateway.sendOperator("/v1/log", token: "not-a-real-token-at-all")
        #expect(bad == 401)
        // An agency's token is no operator token.
        let (agency, _, _) = await gateway.sendOperator("/v1/log", token: gateway.tokens["notes"])
        #expect(agency == 401)
        let matrix: [(String, String, String, Int)] = [
            ("GET", "/v1/audit", "viewer", 403), ("GET", "/v1/audit", "operator", 403), ("GET", "/v1/audit", "auditor", 200),
            ("POST", "/v1/dead-letters/replay", "viewer", 403), ("POST", "/v1/dead-letters/replay", "auditor", 403),
            ("POST", "/v1/dead-letters/replay", "operator", 200),
            ("GET", "/v1/stats", "viewer", 200), ("GET", "/v1/stats", "auditor", 200),
        ]
        for (method, path, person, expected) in matrix {
            let (status, _, _) = await gateway.sendOperator(path, method: method, as: person)
            #expect(status == expected, "\(method) \(path) as \(person)")
        }
        // The agency listener does not serve the operator API, and vice versa.
        let (onAgency, _, _) = await gateway.send("/v1/log", method: "GET")
        #expect(onAgency == 404)
        let (health, _, _) = await gateway.sendOperator("/healthz", as: nil)
        #expect(health == 200)
        let (ready, readyBody, _) = await gateway.sendOperator("/readyz", as: nil)
        #expect(ready == 200)
        #expect(gateway.json(readyBody)["store"] as? String == "ok")
        #expect(gateway.json(readyBody)["certificates"] as? String == "ok")
        await gateway.shutdown()
    }

    @Test func replaySendsOnceMoreAndIsAudited() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        let id = try await post(gateway, "replay-me")
        #expect(await gateway.eventually { gateway.simulator.recorder.counts[id] == 1 })
        #expect(await gateway.eventually {
            let (_, body, _) = await gateway.sendOperator("/v1/messages/\(id)")
            return gateway.json(body)["status"] as? String == "delivered"
        })
        let (viewer, _, _) = await gateway.sendOperator("/v1/messages/\(id)/replay", method: "POST", as: "viewer")
        #expect(viewer == 403)
        let (auditor, _, _) = await gateway.sendOperator("/v1/messages/\(id)/replay", method: "POST", as: "auditor")
        #expect(auditor == 403)
        let (badDestination, badBody, _) = await gateway.sendOperator("/v1/messages/\(id)/replay", method: "POST",
                                                                      body: #"{"destination":"nowhere"}"#)
        #expect(badDestination == 400)
        #expect(badBody.contains(#""field":"destination""#))
        let (status, body, _) = await gateway.sendOperator("/v1/messages/\(id)/replay", method: "POST",
                                                           body: #"{"destination":"sim"}"#)
        #expect(status == 200)
        #expect(gateway.json(body)["replayed"] as? Int == 1)
        // The destination sees the same Idempotency-Key again, exactly once more.
        #expect(await gateway.eventually { gateway.simulator.recorder.counts[id] == 2 })
        try await Task.sleep(for: .milliseconds(700))
        #expect(gateway.simulator.recorder.counts[id] == 2)
        let (missing, _, _) = await gateway.sendOperator("/v1/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV/replay", method: "POST")
        #expect(missing == 404)

        // A dead letter, replayed through the dead-letter endpoint.
        gateway.simulator.fail(status: 400, count: 1)
        let dead = try await post(gateway, "dies-once")
        #expect(await gateway.eventually {
            let (_, view, _) = await gateway.sendOperator("/v1/messages/\(dead)")
            return gateway.json(view)["status"] as? String == "dead_lettered"
        })
        let (badSince, _, _) = await gateway.sendOperator("/v1/dead-letters/replay", method: "POST", body: #"{"since":"soon"}"#)
        #expect(badSince == 400)
        let (deadStatus, deadBody, _) = await gateway.sendOperator("/v1/dead-letters/replay", method: "POST",
                                                                   body: #"{"destination":"sim","since":"1h"}"#)
        #expect(deadStatus == 200)
        #expect(gateway.json(deadBody)["replayed"] as? Int == 1)
        #expect(await gateway.eventually { gateway.simulator.recorder.counts[dead] == 2 })

        // The audit trail names who viewed and who replayed what.
        _ = await gateway.sendOperator("/v1/messages/\(id)?body=true", as: "auditor")
        let (auditStatus, audit, _) = await gateway.sendOperator("/v1/audit", as: "auditor")
        #expect(auditStatus == 200)
        let trail = entries(gateway, audit)
        #expect(trail.contains { $0["event"] as? String == "replayed" && $0["actor"] as? String == "operator"
            && $0["message_id"] as? String == id })
        #expect(trail.contains { $0["event"] as? String == "replayed" && $0["message_id"] as? String == dead })
        #expect(trail.contains { $0["event"] as? String == "viewed" && $0["actor"] as? String == "auditor"
            && ($0["detail"] as? [String: Any])?["body"] as? Bool == true })
        #expect(trail.contains { $0["event"] as? String == "viewed" && $0["actor"] as? String == "operator"
            && ($0["detail"] as? [String: Any])?["body"] as? Bool == false })
        #expect(!trail.contains { $0["actor"] as? String == "viewer" })
        let seqs = trail.compactMap { $0["seq"] as? Int }
        #expect(seqs == seqs.sorted(by: >))
        let (_, paged, _) = await gateway.sendOperator("/v1/audit?limit=1", as: "auditor")
        #expect(entries(gateway, paged).count == 1)
        #expect(gateway.json(paged)["next"] is String)
        await gateway.shutdown()
    }
}
