import Foundation
@testable import Gateway
import Store
import Testing

/// Hospitals in, social security and the e-health book out, over real HTTPS with mutual TLS.
@Suite(.serialized) struct HospitalFlowTests {
    @Test func envelopeOfTwentyReachesBothDestinationsOnceWithTheClaimReference() async throws {
        let network = try AgencyNetwork()
        let (status, body) = await network.send("/v1/hospital/visits", as: "bv-bachmai",
                                                body: try network.fixture("hospital/envelope-20.xml"),
                                                contentType: "application/xml")
        #expect(status == 200)
        let receipt = network.json(body)
        #expect(receipt["accepted"] as? Int == 20)
        let ids = ((receipt["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
        #expect(ids.count == 20)
        #expect(await network.eventually { network.socialSecurity.receipts.count == 20 })
        // The e-health book gets every visit whose identity the population database confirms; the others are
        // refused with the reason, never silently dropped.
        #expect(await network.eventually {
            let mismatches = (try? await network.runtime.store.searchLog(
                LogFilter(event: "mismatch"), after: nil, limit: 100).entries.count) ?? 0
            return network.healthBook.entries.count + mismatches == 20
        })
        #expect(network.healthBook.entries.count >= 15)
        // Each destination saw only these messages' ids as Idempotency-Keys (a retry reuses the key, so the
        // partner keeps one record per key: the receipts and entries above are per key).
        let accepted = Set(ids)
        #expect(Set(network.healthBook.entries.map(\.key)).isSubset(of: accepted))
        #expect(Set(network.socialSecurity.receipts.map(\.key)) == accepted)
        // The claim's transaction id is in the delivery and the log, visible to the hospital.
        let first = try #require(ids.first)
        let portal = try #require(network.socialSecurity.receipt(key: first))
        #expect(await network.eventually {
            let (_, view) = await network.send("/v1/messages/\(first)", as: "bv-bachmai", method: "GET")
            let deliveries = (network.json(view)["deliveries"] as? [[String: Any]]) ?? []
            return deliveries.contains { $0["destination"] as? String == "bhxh" && $0["external_ref"] as? String == portal.transactionId }
        })
        let (_, view) = await network.send("/v1/messages/\(first)", as: "bv-bachmai", method: "GET")
        #expect(view.contains(#""maGiaoDich":"\#(portal.transactionId)""#))
        await network.shutdown()
    }

    @Test func claimsWaitForTheSocialSecurityPortalAndArriveOnceAfterItRecovers() async throws {
        let network = try AgencyNetwork()
        network.socialSecurity.server.fail(status: 503, count: -1)
        let (status, body) = await network.send("/v1/hospital/visits", as: "bv-bachmai",
                                                body: try network.fixture("hospital/visits-array5.json"))
        #expect(status == 200)
        let accepted = network.json(body)["accepted"] as? Int ?? 0
        #expect(accepted >= 4)
        try await Task.sleep(for: .seconds(1))
        #expect(network.socialSecurity.receipts.isEmpty)
        network.socialSecurity.server.heal()
        #expect(await network.eventually { network.socialSecurity.receipts.count == accepted })
        try await Task.sleep(for: .milliseconds(500))
        #expect(network.socialSecurity.receipts.count == accepted)
        await network.shutdown()
    }

    @Test func identityMismatchIsRefusedWithTheReasonAndTheClaimStillGoes() async throws {
        let network = try AgencyNetwork()
        // The population database knows 001303012345 as Nguyễn Thị Lan, born 2003-03-15; the visit says otherwise.
        let (status, body) = await network.send("/v1/hospital/visits", as: "bv-bachmai",
                                                body: try network.fixture("hospital/visit-single.json"))
        #expect(status == 202)
        let id = try #require(network.json(body)["id"] as? String)
        #expect(await network.eventually {
            let (_, view) = await network.send("/v1/messages/\(id)", as: "bv-bachmai", method: "GET")
            let deliveries = (network.json(view)["deliveries"] as? [[String: Any]]) ?? []
            let book = deliveries.first { $0["destination"] as? String == "healthbook" }
            let claim = deliveries.first { $0["destination"] as? String == "bhxh" }
            return book?["status"] as? String == "dead" && (book?["last_error"] as? String ?? "").contains("identity mismatch")
                && claim?["status"] as? String == "delivered"
        })
        #expect(network.healthBook.entries.isEmpty)
        let (_, view) = await network.send("/v1/messages/\(id)", as: "bv-bachmai", method: "GET")
        #expect(view.contains(#""event":"mismatch""#))
        await network.shutdown()
    }

    @Test func unreachablePopulationDatabaseDelaysButNeverDrops() async throws {
        let network = try AgencyNetwork()
        network.population.goDown(.unavailable)
        let (status, body) = await network.send("/v1/hospital/visits", as: "bv-bachmai",
                                                body: try network.fixture("hospital/envelope-20.xml"),
                                                contentType: "application/xml")
        #expect(status == 200)
        #expect(network.json(body)["accepted"] as? Int == 20)
        #expect(await network.eventually { network.socialSecurity.receipts.count == 20 })
        #expect(network.healthBook.entries.isEmpty)
        network.population.recover()
        #expect(await network.eventually { network.healthBook.entries.count >= 15 })
        await network.shutdown()
    }
}
