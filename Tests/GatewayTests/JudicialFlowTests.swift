import Foundation
@testable import Gateway
import Store
import Testing

/// Courts, the procuracy and judicial-record certificates via VNeID, over real HTTPS with mutual TLS.
@Suite(.serialized) struct JudicialFlowTests {
    @Test func verdictReachesBothProvincesAndTheCentreOnceAndOneProvinceDownDelaysOnlyIt() async throws {
        let network = try AgencyNetwork()
        network.justice.fail(province: "46", status: 503, count: -1)
        let (status, body) = await network.send("/v1/courts/verdicts", as: "tand-hanoi",
                                                body: try network.fixture("court/valid-judgment-hanoi-court-hue-resident.json"))
        #expect(status == 202, "\(body)")
        let id = try #require(network.json(body)["id"] as? String)
        #expect(await network.eventually {
            network.justice.records(province: "01").count == 1 && network.nationalCentre.records.count == 1
        })
        #expect(network.justice.records(province: "46").isEmpty)
        network.justice.heal()
        #expect(await network.eventually { network.justice.records(province: "46").count == 1 })
        try await Task.sleep(for: .milliseconds(500))
        #expect(network.justice.countsByProvince == ["01": 1, "46": 1])
        #expect(network.nationalCentre.records.count == 1)
        #expect(network.justice.records.allSatisfy { $0.key == id })
        await network.shutdown()
    }

    @Test func eachAgencyMaySendOnlyWhatItIsAllowedTo() async throws {
        let network = try AgencyNetwork()
        let verdict = try network.fixture("court/valid-judgment-same-province.json")
        #expect(await network.send("/v1/courts/verdicts", as: "bv-bachmai", body: verdict).status == 403)
        #expect(await network.send("/v1/hospital/visits", as: "tand-hanoi",
                                   body: try network.fixture("hospital/visit-single.json")).status == 403)
        #expect(await network.send("/v1/population/citizens/001303012345", as: "pk-nolookup", method: "GET").status == 403)
        let (found, person) = await network.send("/v1/population/citizens/001303012345", as: "bv-bachmai", method: "GET")
        #expect(found == 200)
        #expect(network.json(person)["fullName"] as? String == "Nguyễn Thị Lan")
        #expect(await network.send("/v1/population/citizens/099999999999", as: "bv-bachmai", method: "GET").status == 404)
        #expect(await network.send("/v1/population/citizens/12ab", as: "bv-bachmai", method: "GET").status == 400)
        // Every lookup that reached the registry is on record (the malformed one never did).
        let lookups = try await network.runtime.store.searchLog(LogFilter(event: "population_lookup"), after: nil, limit: 10)
        #expect(lookups.entries.count == 2)
        await network.shutdown()
    }

    @Test func certificateRequestAndIssuedCertificateRoundTripAndAreLinked() async throws {
        let network = try AgencyNetwork()
        let (requestStatus, requestBody) = await network.send("/v1/vneid/certificate-requests", as: "vneid",
                                                              body: try network.fixture("vneid/valid-type1.json"))
        #expect(requestStatus == 202, "\(requestBody)")
        // The applicant lives in province 79: its Department of Justice gets the request.
        #expect(await network.eventually { network.justice.records(province: "79").count == 1 })
        let (certificateStatus, certificateBody) = await network.send(
            "/v1/judicial/certificates", as: "stp-hanoi", body: try network.fixture("judicial/valid-type1-none.json"))
        #expect(certificateStatus == 202, "\(certificateBody)")
        #expect(await network.eventually { network.vneid.records.count == 1 })
        // Searching the log by the request number finds both the request and the certificate.
        let linked = try await network.runtime.store.searchLog(LogFilter(event: "stored", key: "VNEID-2026-000123"),
                                                              after: nil, limit: 10)
        #expect(Set(linked.entries.compactMap(\.type)) == ["vneid.certificate-request", "judicial.certificate"])
        await network.shutdown()
    }

    @Test func procuracyRecordGoesToTheNationalCentre() async throws {
        let network = try AgencyNetwork()
        let (status, body) = await network.send("/v1/procuracy/records", as: "vksndtc",
                                                body: try network.fixture("procuracy/valid-korea.json"))
        #expect(status == 202, "\(body)")
        #expect(await network.eventually { network.nationalCentre.records.count == 1 })
        await network.shutdown()
    }
}
