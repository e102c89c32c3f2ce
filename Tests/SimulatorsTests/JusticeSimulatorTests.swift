import Foundation
import Messages
import Simulators
import Testing

@Suite struct JusticeSimulatorTests {
    private let record = Wire.json(["judgmentNumber": "12/2024/HS-ST", "court": "tand-hanoi"])

    @Test func oneProvinceFailsWhileTheOthersKeepAccepting() async throws {
        let justice = JusticeSimulator()
        try justice.start()
        defer { justice.shutdown() }
        #expect(await Wire.send(justice.baseURL + "/_control/fail?province=46&status=503").status == 204)
        let hue = await Wire.send(justice.url(province: "46"), headers: [("Idempotency-Key", "v-1")], body: record,
                                  contentType: "application/json")
        #expect(hue.status == 503)
        let hanoi = await Wire.send(justice.url(province: "01"), headers: [("Idempotency-Key", "v-1")], body: record,
                                    contentType: "application/json")
        #expect(hanoi.status == 201)
        #expect(hanoi.json["province"] as? String == "01")
        #expect((hanoi.json["receiptId"] as? String)?.hasPrefix("STP-01-") == true)
        // Healed over HTTP with count=0; then Huế takes the same key once.
        #expect(await Wire.send(justice.baseURL + "/_control/fail?province=46&count=0").status == 204)
        for expected in [201, 200] {
            let again = await Wire.send(justice.url(province: "46"), headers: [("Idempotency-Key", "v-1")], body: record,
                                        contentType: "application/json")
            #expect(again.status == expected)
        }
        #expect(justice.records(province: "46").count == 1)
        #expect(justice.records(province: "01").count == 1)
        #expect(justice.countsByProvince == ["01": 1, "46": 1])
        let listing = await Wire.send(justice.baseURL + "/_control/provinces", method: "GET")
        #expect(listing.json["46"] as? Int == 1)
    }

    @Test func unknownProvincesAndPathsAre404AndCountedFailuresRunOut() async throws {
        let justice = JusticeSimulator()
        try justice.start()
        defer { justice.shutdown() }
        #expect(await Wire.send(justice.url(province: "99"), body: record, contentType: "application/json").status == 404)
        #expect(await Wire.send(justice.baseURL + "/doj/01/other", body: record, contentType: "application/json").status == 404)
        #expect(await Wire.send(justice.baseURL + "/_control/fail?province=99").status == 400)
        justice.fail(province: "79", status: 500, count: 2)
        var statuses: [Int] = []
        for _ in 0..<3 {
            statuses.append(await Wire.send(justice.url(province: "79"), body: record, contentType: "application/json").status)
        }
        #expect(statuses == [500, 500, 201])
        // Every one of the 63 departments answers.
        for code in Provinces.codes {
            let reply = await Wire.send(justice.url(province: code), headers: [("Idempotency-Key", "all-\(code)")],
                                        body: record, contentType: "application/json")
            #expect(reply.status == 201, "province \(code)")
        }
        #expect(justice.countsByProvince.count == 63)
    }

    @Test func nationalCentreAndVNeIDRecordJSONOncePerKey() async throws {
        let centre = NationalCentreSimulator()
        let vneid = VNeIDSimulator()
        try centre.start()
        try vneid.start()
        defer {
            centre.shutdown()
            vneid.shutdown()
        }
        for _ in 0..<2 {
            _ = await Wire.send(centre.baseURL + "/v1/records", headers: [("Idempotency-Key", "r-1")], body: record,
                                contentType: "application/json")
        }
        #expect(centre.records.count == 1)
        #expect(centre.server.recorder.counts["r-1"] == 2)
        let certificate = await Wire.send(vneid.baseURL + "/v1/judicial-certificates", headers: [("Idempotency-Key", "c-1")],
                                          body: Wire.json(["certificateNumber": "123/2024/LLTP"]), contentType: "application/json")
        #expect(certificate.status == 201)
        #expect(vneid.records.first?.key == "c-1")
        #expect(await Wire.send(vneid.baseURL + "/v1/judicial-certificates", body: Array("[1]".utf8),
                                contentType: "application/json").status == 400)
        #expect(await Wire.send(vneid.baseURL + "/v1/elsewhere", body: record, contentType: "application/json").status == 200,
                "unrouted paths keep the DestinationSimulator's default answer")
    }
}
