import Agencies
import Foundation
import Messages
import Simulators
import Testing

@Suite struct SocialSecuritySimulatorTests {
    private func portal(accounts: [String: String]? = ["01013_bv": "mật-khẩu"]) throws -> SocialSecuritySimulator {
        let portal = SocialSecuritySimulator(accounts: accounts)
        try portal.start()
        return portal
    }

    private func fetchToken(_ portal: SocialSecuritySimulator, user: String = "01013_bv", password: String = "mật-khẩu")
        async throws -> SocialSecurityToken
    {
        let reply = await Wire.send(
            portal.baseURL + SocialSecurityProtocol.tokenPath,
            body: SocialSecurityProtocol.tokenRequestBody(username: user, password: password),
            contentType: "application/x-www-form-urlencoded")
        #expect(reply.status == 200)
        return try SocialSecurityProtocol.parseToken(reply.body)
    }

    private func post(_ portal: SocialSecuritySimulator, _ path: String, _ payload: OutboundPayload,
                      token: SocialSecurityToken?, key: String, password: String = "mật-khẩu") async -> Reply {
        var headers = [("Idempotency-Key", key)]
        if let token {
            headers += SocialSecurityProtocol.authorizationHeaders(token: token, passwordHash: MD5.uppercaseHex(password))
        }
        return await Wire.send(portal.baseURL + path, headers: headers, body: payload.body, contentType: payload.contentType)
    }

    @Test func tokenThenClaimIsAnsweredWithAUniqueTransactionIdAndRetriesGetTheSameOne() async throws {
        let portal = try portal()
        defer { portal.shutdown() }
        let token = try await fetchToken(portal)
        #expect(token.username == "01013_bv")
        let expiresAt = try #require(token.expiresAt)
        #expect(expiresAt > Date().addingTimeInterval(3000))
        #expect(!token.needsRefresh(now: Date()))

        let visits = try Fixtures.visits("visits-array5.json")
        #expect(visits.count == 5)
        let encoder = SocialSecurityClaimEncoder(username: "01013_bv")
        var ids: Set<String> = []
        for (index, visit) in visits.enumerated() {
            let reply = await post(portal, SocialSecurityProtocol.claimPath, try encoder.encode(visit), token: token,
                                   key: "claim-\(index)")
            #expect(reply.status == 200)
            let outcome = SocialSecurityProtocol.outcome(httpStatus: reply.status, body: reply.body)
            guard case .delivered(let transaction, let receivedAt) = outcome else {
                Issue.record("not delivered: \(outcome) \(reply.text)")
                continue
            }
            #expect(transaction.hasPrefix("GD"))
            #expect(receivedAt.count == 14)
            ids.insert(transaction)
        }
        #expect(ids.count == 5)
        // A retry with the same key: the same answer, still one receipt.
        let again = await post(portal, SocialSecurityProtocol.claimPath, try encoder.encode(visits[0]), token: token,
                               key: "claim-0")
        #expect(SocialSecurityProtocol.parseAnswer(again.body)?.transactionId == portal.receipt(key: "claim-0")?.transactionId)
        #expect(portal.receipts.count == 5)
        #expect(portal.server.recorder.counts["claim-0"] == 2)
        let receipt = try #require(portal.receipt(key: "claim-1"))
        #expect(receipt.kind == .claim)
        #expect(receipt.facilityCode == "01013")
        #expect(receipt.visitKeys == [try VisitRecord(canonicalBody: visits[1].body)["MA_LK"]])
    }

    @Test func theTwentyRecordEnvelopeIsOneClaimWithTwentyVisits() async throws {
        let portal = try portal(accounts: nil)
        defer { portal.shutdown() }
        let token = try await fetchToken(portal, user: "anyone", password: "whatever")
        let envelope = try Fixtures.hospital("envelope-20.xml")
        let form = FormURLEncoding.encode([
            ("username", "anyone"), ("loaiHoSo", "130"), ("maTinh", "01"), ("maCSKCB", "01013"),
            ("fileHSBase64", Base64.encodeString(envelope)),
        ])
        let reply = await post(portal, "/api/egw/api/qd130/guiHoSoXmlQD4750",
                               OutboundPayload(contentType: "application/x-www-form-urlencoded", body: form),
                               token: token, key: "env-20")
        #expect(SocialSecurityProtocol.parseAnswer(reply.body)?.resultCode == "200")
        #expect(portal.receipt(key: "env-20")?.visitKeys.count == 20)
    }

    @Test func missingUnknownAndExpiredTokensGet401AndAskForANewToken() async throws {
        let portal = try portal()
        defer { portal.shutdown() }
        let payload = try SocialSecurityClaimEncoder(username: "01013_bv").encode(try Fixtures.visits("visit-single.json")[0])
        let none = await post(portal, SocialSecurityProtocol.claimPath, payload, token: nil, key: "k1")
        #expect(none.status == 401)
        #expect(SocialSecurityProtocol.outcome(httpStatus: none.status, body: none.body)
            == .retry(reason: "HTTP 401", refreshToken: true))
        let forged = SocialSecurityToken(accessToken: "forged", idToken: "x", tokenType: "Bearer", username: "01013_bv",
                                         expiresAt: nil)
        #expect(await post(portal, SocialSecurityProtocol.claimPath, payload, token: forged, key: "k1").status == 401)

        let token = try await fetchToken(portal)
        #expect(await post(portal, SocialSecurityProtocol.claimPath, payload, token: token, key: "k1").status == 200)
        portal.expireTokens()
        let expired = await post(portal, SocialSecurityProtocol.claimPath, payload, token: token, key: "k2")
        #expect(expired.status == 401)
        #expect(SocialSecurityProtocol.parseAnswer(expired.body)?.resultCode == "401")
        // Short-lived tokens over the control endpoint: valid now, refused a second later.
        #expect(await Wire.send(portal.baseURL + "/_control/token-lifetime?seconds=1").status == 204)
        let brief = try await fetchToken(portal)
        #expect(await post(portal, SocialSecurityProtocol.claimPath, payload, token: brief, key: "k2").status == 200)
        try await Task.sleep(for: .milliseconds(1100))
        #expect(await post(portal, SocialSecurityProtocol.claimPath, payload, token: brief, key: "k3").status == 401)
        #expect(portal.tokensIssued == 2)
    }

    @Test func wrongCredentialsAndWrongPasswordHashAreRefused() async throws {
        let portal = try portal()
        defer { portal.shutdown() }
        let bad = await Wire.send(
            portal.baseURL + SocialSecurityProtocol.tokenPath,
            body: SocialSecurityProtocol.tokenRequestBody(username: "01013_bv", password: "sai"),
            contentType: "application/x-www-form-urlencoded")
        #expect(throws: SocialSecurityProtocolError.self) { try SocialSecurityProtocol.parseToken(bad.body) }
        // JSON credentials work as well as the form.
        let json = await Wire.send(
            portal.baseURL + SocialSecurityProtocol.tokenPath,
            body: Wire.json(["username": "01013_bv", "password": MD5.uppercaseHex("mật-khẩu")]),
            contentType: "application/json")
        let token = try SocialSecurityProtocol.parseToken(json.body)
        let payload = try SocialSecurityClaimEncoder(username: "01013_bv").encode(try Fixtures.visits("visit-single.json")[0])
        let reply = await post(portal, SocialSecurityProtocol.claimPath, payload, token: token, key: "k", password: "khác")
        #expect(reply.status == 401)
    }

    @Test func malformedClaimsAreRejectedWith205AndPortalErrorsMeanRetry() async throws {
        let portal = try portal(accounts: nil)
        defer { portal.shutdown() }
        let token = try await fetchToken(portal, user: "u", password: "p")
        func claim(_ file: [UInt8], key: String, facility: String = "01013") async -> Reply {
            let form = FormURLEncoding.encode([
                ("username", "u"), ("loaiHoSo", "130"), ("maTinh", String(facility.prefix(2))), ("maCSKCB", facility),
                ("fileHSBase64", Base64.encodeString(file)),
            ])
            return await post(portal, SocialSecurityProtocol.claimPath,
                              OutboundPayload(contentType: "application/x-www-form-urlencoded", body: form), token: token, key: key)
        }
        let mismatch = await claim(try Fixtures.hospital("envelope-count-mismatch.xml"), key: "a")
        let answer = try #require(SocialSecurityProtocol.parseAnswer(mismatch.body))
        #expect(answer.resultCode == "205")
        #expect(answer.message.contains("SOLUONGHOSO"))
        guard case .deadLetter = SocialSecurityProtocol.outcome(httpStatus: mismatch.status, body: mismatch.body) else {
            Issue.record("a 205 must dead-letter")
            return
        }
        let noXML1 = await claim(try Fixtures.hospital("envelope-missing-xml1.xml"), key: "b")
        #expect(SocialSecurityProtocol.parseAnswer(noXML1.body)?.message.contains("XML1") == true)
        #expect(SocialSecurityProtocol.parseAnswer(await claim(Array("<x/>".utf8), key: "c").body)?.resultCode == "205")
        let otherFacility = await claim(try Fixtures.hospital("envelope-20.xml"), key: "d", facility: "46001")
        #expect(SocialSecurityProtocol.parseAnswer(otherFacility.body)?.message.contains("MACSKCB") == true)
        #expect(portal.receipts.isEmpty)

        // Portal-level error codes, set over HTTP: 503 means retry, then the claim goes through.
        #expect(await Wire.send(portal.baseURL + "/_control/portal-fail?code=503&count=1").status == 204)
        let busy = await claim(try Fixtures.hospital("envelope-20.xml"), key: "e")
        #expect(busy.status == 200)
        #expect(SocialSecurityProtocol.outcome(httpStatus: busy.status, body: busy.body)
            == .retry(reason: "maKetQua 503: portal server error (simulated portal error)", refreshToken: false))
        let fine = await claim(try Fixtures.hospital("envelope-20.xml"), key: "e")
        #expect(SocialSecurityProtocol.parseAnswer(fine.body)?.resultCode == "200")
        // HTTP-level failure.
        portal.server.fail(status: 502, count: 1)
        #expect(await claim(try Fixtures.hospital("envelope-20.xml"), key: "f").status == 502)
    }

    @Test func checkinsAreAcceptedFromTheCheckinEncoder() async throws {
        let portal = try portal()
        defer { portal.shutdown() }
        let token = try await fetchToken(portal)
        let payload = try SocialSecurityCheckinEncoder(username: "01013_bv").encode(try Fixtures.checkin())
        let reply = await post(portal, SocialSecurityProtocol.checkinPath, payload, token: token, key: "ci-1")
        #expect(SocialSecurityProtocol.parseAnswer(reply.body)?.resultCode == "200")
        let receipt = try #require(portal.receipt(key: "ci-1"))
        #expect(receipt.kind == .checkin)
        #expect(receipt.visitKeys == ["LK2024000001"])
        // A claim body sent to the check-in endpoint is refused (wrong loaiHoSo).
        let claim = try SocialSecurityClaimEncoder(username: "01013_bv").encode(try Fixtures.visits("visit-single.json")[0])
        let wrong = await post(portal, SocialSecurityProtocol.checkinPath, claim, token: token, key: "ci-2")
        #expect(SocialSecurityProtocol.parseAnswer(wrong.body)?.resultCode == "205")
    }
}
