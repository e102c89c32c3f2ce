import Foundation
@testable import Gateway
import Glibc
import HTTPCore
import Messages
import Store
import Testing

/// "The operator log and the process log never print an ID number or a name unmasked": messages carrying a
/// known citizen ID number and name go through the gateway (valid, invalid with problems quoting them, echoed
/// back by a failing partner, refused by the identity check), then the routing log, the outbox's error columns,
/// the stored bodies (encrypted) and the captured output of `interchange serve` are searched for them.
@Suite(.serialized) struct PersonalDataLeakTests {
    static let citizenID = "001085001234"
    static let name = "Trần Văn Hùng"

    /// Every place of `values` (bytes) holding one of `needles`, as readable findings.
    static func leaks(_ values: [[UInt8]], _ needles: [String], where place: String) -> [String] {
        var found: [String] = []
        for value in values {
            for needle in needles where RawDatabase.contains(value, needle) {
                found.append("\(place) holds \(needle): \(String(decoding: value.prefix(200), as: UTF8.self))")
            }
        }
        return found
    }

    static func verdict(citizen: String, name: String, number: String, birth: String = "1985-07-21",
                        residence: String = "46") -> String {
        """
        {"kind": "judgment", "number": "\(number)", "date": "2025-03-10", "effectiveDate": "2025-03-25",
         "court": {"code": "TAND-HN-BD", "name": "Tòa án nhân dân quận Ba Đình, thành phố Hà Nội", "province": "01"},
         "person": {"citizenId": "\(citizen)", "fullName": "\(name)", "dateOfBirth": "\(birth)", "sex": "male",
                    "residenceProvince": "\(residence)"},
         "charges": [{"name": "Trộm cắp tài sản", "article": 173, "clause": 1}],
         "mainPenalty": {"type": "imprisonment", "months": 18}, "additionalPenalties": [],
         "courtFeeVnd": 200000, "executionStatus": "not_started"}
        """
    }

    @Test func serveOutputAndRoutingLogHoldNoIDNumberOrName() async throws {
        let gateway = try GatewayHarness(extraConfig: BodyEncryptionTests.encryption(current: "k2026"))
        try BodyEncryptionTests.writeKeys(gateway)
        // A partner that refuses some notes and quotes the whole request back in its problem detail.
        gateway.simulator.route("/notes") { request, _ in
            let text = String(decoding: request.body, as: UTF8.self)
            guard text.contains("echo-me") else { return HTTPResponse.json(200, Array(#"{"status":"received"}"#.utf8)) }
            return HTTPResponse.problem(Problem(status: 422, title: "Rejected", detail: "cannot take \(text)"))
        }
        let binary = try GatewayBinary.path()
        let process = try GatewayBinary.launch(binary, config: gateway.configPath, log: gateway.directory)
        defer { if process.isRunning { process.terminate() } }
        #expect(await gateway.eventually(timeout: .seconds(15)) {
            await gateway.send("/healthz", method: "GET", as: nil).0 == 200
        }, "gateway did not come up")

        let id = Self.citizenID
        let name = Self.name
        // Valid notes carrying them in the text: one delivered, one refused by the partner with an echo.
        let (okStatus, okBody, _) = await gateway.send("/v1/test/notes", body: #"{"key":"leak-1","text":"\#(name) \#(id)"}"#)
        #expect(okStatus == 202)
        let delivered = try #require(gateway.json(okBody)["id"] as? String)
        let (echoStatus, echoBody, _) = await gateway.send("/v1/test/notes",
                                                           body: #"{"key":"leak-2","text":"echo-me \#(name) \#(id)"}"#)
        #expect(echoStatus == 202)
        let echoed = try #require(gateway.json(echoBody)["id"] as? String)
        // Invalid notes whose problems quote the values (the sender is told; the log must not be).
        let (badStatus, badBody, _) = await gateway.send("/v1/test/notes",
                                                         body: #"{"key":"leak-3","text":"x","province":"\#(id)","fullName":"\#(name)"}"#)
        #expect(badStatus == 422)
        #expect(badBody.contains(id), "the sender's own answer quotes its value")
        let (notJSON, _, _) = await gateway.send("/v1/test/notes", body: "\(name) \(id) {")
        #expect(notJSON == 400)
        // Court verdicts: one valid (routed nowhere here), one whose ID number fails its checks.
        let (verdictStatus, _, _) = await gateway.send("/v1/courts/verdicts", body: Self.verdict(citizen: id, name: name, number: "41/2025/HSST"), as: "court")
        #expect(verdictStatus == 202)
        let (invalidStatus, invalidBody, _) = await gateway.send(
            "/v1/courts/verdicts", body: Self.verdict(citizen: "999" + id.dropFirst(3), name: name, number: "42/2025/HSST"), as: "court")
        #expect(invalidStatus == 422, "\(invalidBody)")

        let store = gateway.directory.appendingPathComponent("data/interchange.db").path
        #expect(await gateway.eventually {
            let rows = (try? RawDatabase.values(store, "SELECT status FROM outbox")) ?? []
            return rows.count == 2 && rows.allSatisfy { $0 == Array("delivered".utf8) || $0 == Array("dead".utf8) }
        })
        #expect(gateway.simulator.recorder.request(key: delivered) != nil)
        let echoedRow = try RawDatabase.values(store, "SELECT status, last_response FROM outbox WHERE message_id = '\(echoed)'")
        #expect(echoedRow.first == Array("dead".utf8))
        #expect(echoedRow.count == 2 && RawDatabase.contains(echoedRow[1], "001******234"), "the echo is kept, masked")

        // `show --body` opens the sealed body with the configured keys.
        let show = Process()
        show.executableURL = URL(fileURLWithPath: binary)
        show.arguments = ["show", delivered, "--body", "--config", gateway.configPath]
        show.currentDirectoryURL = gateway.directory
        let pipe = Pipe()
        show.standardOutput = pipe
        show.standardError = pipe
        try show.run()
        let shown = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        show.waitUntilExit()
        #expect(show.terminationStatus == 0)
        #expect(shown.contains("\(name) \(id)"), "show --body prints the decrypted body: \(shown.suffix(300))")

        process.terminate()
        process.waitUntilExit()

        var leaks: [String] = []
        let serveLog = try Data(contentsOf: gateway.directory.appendingPathComponent("serve.log"))
        #expect(!serveLog.isEmpty, "serve printed its listeners")
        leaks += Self.leaks([Array(serveLog)], [id, name], where: "serve output")
        leaks += Self.leaks(try RawDatabase.values(store, "SELECT * FROM log"), [id, name], where: "log")
        leaks += Self.leaks(try RawDatabase.values(store, "SELECT last_error, last_response FROM outbox"), [id],
                            where: "outbox")
        // With encryption on, bodies hold neither (message_keys and attributes hold search and routing keys by design).
        leaks += Self.leaks(try RawDatabase.values(store, "SELECT body FROM messages"), [id, name], where: "messages.body")
        #expect(leaks.isEmpty, "\(leaks)")
        #expect(try RawDatabase.values(store, "SELECT value FROM message_keys").contains(Array(id.utf8)),
                "the search key is kept in clear (documented)")
        await gateway.shutdown()
    }

    @Test func identityCheckRefusalsLogNoIDNumberOrName() async throws {
        let network = try AgencyNetwork()
        // The population database lists 079090004410 (Trương Quốc Bảo) as cancelled: its answer names the number.
        let cancelled = "079090004410"
        let cancelledName = "Trương Quốc Bảo"
        let (status, body) = await network.send(
            "/v1/courts/verdicts", as: "tand-hanoi",
            body: Array(Self.verdict(citizen: cancelled, name: cancelledName, number: "43/2025/HSST", birth: "1990-09-09",
                                     residence: "79").utf8))
        #expect(status == 202, "\(body)")
        let verdict = try #require(network.json(body)["id"] as? String)
        // The visit's name and date of birth differ from the database's record of 001303012345.
        let (visitStatus, visitBody) = await network.send("/v1/hospital/visits", as: "bv-bachmai",
                                                          body: try network.fixture("hospital/visit-single.json"))
        #expect(visitStatus == 202)
        let visit = try #require(network.json(visitBody)["id"] as? String)
        let store = network.runtime.store
        #expect(await network.eventually {
            let mismatches = (try? await store.searchLog(LogFilter(event: "mismatch"), after: nil, limit: 10).entries) ?? []
            let dead = (try? await store.deliveries(of: MessageID(verdict)!).filter { $0.status == .dead }.count) ?? 0
            return mismatches.count == 2 && dead == 3
        })
        let detail = (try await store.timeline(of: MessageID(verdict)!)).first { $0.event == "mismatch" }?.detail ?? ""
        #expect(detail.contains("079******410 has been cancelled"), "\(detail)")
        _ = visit

        let database = network.directory.appendingPathComponent("data/interchange.db").path
        let needles = [cancelled, cancelledName, "001303012345", "Nguyễn Thị An"]
        var leaks = Self.leaks(try RawDatabase.values(database, "SELECT * FROM log"), needles, where: "log")
        leaks += Self.leaks(try RawDatabase.values(database, "SELECT last_error, last_response FROM outbox"), needles,
                            where: "outbox")
        #expect(leaks.isEmpty, "\(leaks)")
        await network.shutdown()
    }

    @Test func freeTextMaskingHidesKnownNamesAndIDNumbers() {
        let text = "partner says: TRẦN VĂN HÙNG (001085001234) unknown; tran van hung again; ref 12345678901234"
        let masked = PersonalDataMask.text(text, hiding: [Self.name, Self.citizenID])
        #expect(!masked.contains("001085001234"))
        #expect(!masked.lowercased().contains("hùng") && !masked.lowercased().contains("hung"))
        #expect(masked.contains("T.V.H."))
        #expect(masked.contains("001******234"))
        #expect(masked.contains("12345678901234"), "longer digit runs are not ID numbers")
    }
}
