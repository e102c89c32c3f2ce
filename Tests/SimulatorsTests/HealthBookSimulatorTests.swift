import Agencies
import Foundation
import Messages
import Simulators
import Testing

@Suite struct HealthBookSimulatorTests {
    @Test func visitsFromTheEncoderAreFiledUnderTheCitizenOncePerKey() async throws {
        let book = HealthBookSimulator()
        try book.start()
        defer { book.shutdown() }
        let visit = try Fixtures.visits("visit-single.json")[0]
        let payload = try HealthBookEncoder().encode(visit)
        let first = await Wire.send(book.baseURL + "/v1/visits", headers: [("Idempotency-Key", "m-1")], body: payload.body,
                                    contentType: payload.contentType)
        #expect(first.status == 201)
        #expect(first.json["citizenId"] as? String == "001303012345")
        #expect(first.json["visitKey"] as? String == "LK2024000001")
        let retry = await Wire.send(book.baseURL + "/v1/visits", headers: [("Idempotency-Key", "m-1")], body: payload.body,
                                    contentType: payload.contentType)
        #expect(retry.status == 200)
        #expect(book.visits(citizenId: "001303012345").count == 1)
        #expect(book.entry(key: "m-1")?.visit["HO_TEN"] == "Nguyễn Thị An")
        #expect(book.server.recorder.counts["m-1"] == 2)
    }

    @Test func badShapesGetProblemsNamingTheFields() async throws {
        let book = HealthBookSimulator()
        try book.start()
        defer { book.shutdown() }
        let bad = await Wire.send(
            book.baseURL + "/v1/visits",
            body: Wire.json(["citizenId": "12345", "visit": ["MA_LK": "LK1", "HO_TEN": 7, "EXTRA": "x"]]),
            contentType: "application/json")
        #expect(bad.status == 422)
        let fields = Set(((bad.json["problems"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String })
        #expect(fields.isSuperset(of: ["citizenId", "visit.HO_TEN", "visit.EXTRA", "visit.NGAY_VAO"]))
        #expect(await Wire.send(book.baseURL + "/v1/visits", body: Array("{".utf8), contentType: "application/json").status == 400)
        #expect(await Wire.send(book.baseURL + "/v1/visits", body: Array("a=b".utf8), contentType: "text/plain").status == 415)
        #expect(await Wire.send(book.baseURL + "/v1/visits", method: "GET").status == 405)
        #expect(book.entries.isEmpty)
    }
}
