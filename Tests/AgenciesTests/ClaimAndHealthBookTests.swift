import Agencies
import Foundation
import Messages
import Testing

@Suite struct ClaimAndHealthBookTests {
    private func message(_ body: [UInt8], _ type: String) throws -> CanonicalMessage {
        let result = try HospitalVisitAdapter().decode(body, contentType: type, sender: Fixtures.sender())
        return try #require(result.items.first?.message)
    }

    private func form(_ payload: OutboundPayload) throws -> [String: String] {
        let pairs = try #require(FormURLEncoding.decode(payload.body))
        return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    private func decodedFile(_ fields: [String: String]) throws -> [UInt8] {
        let text = try #require(fields["fileHSBase64"])
        return try #require(Base64.decode(text))
    }

    /// XML1 → canonical → GIAMDINHHS → parsed back: the tables come back byte for byte.
    @Test func xml1RoundTripThroughTheClaim() throws {
        let xml1 = try Fixtures.hospital("visit-xml1.xml")
        let canonical = try message(xml1, "application/xml")
        let payload = try SocialSecurityClaimEncoder(username: "01013_bv").encode(canonical)
        #expect(payload.contentType == "application/x-www-form-urlencoded")
        let fields = try form(payload)
        #expect(fields["loaiHoSo"] == "130")
        #expect(fields["maTinh"] == "01")
        #expect(fields["maCSKCB"] == "01013")
        #expect(fields["username"] == "01013_bv")
        let envelopeBytes = try decodedFile(fields)
        let envelope = try GIAMDINHHSParser().parse(envelopeBytes)
        #expect(envelope.facilityCode == "01013")
        #expect(envelope.declaredCount == "1")
        #expect(envelope.createdOn.count == 8)
        #expect(envelope.records.count == 1)
        #expect(envelope.records[0].map(\.kind) == ["XML1"])
        #expect(envelope.records[0][0].content == xml1)
        // The envelope we send is one the adapter accepts again, as the same message.
        let again = try message(envelopeBytes, "application/xml")
        #expect(again.contentHash == canonical.contentHash)
    }

    @Test func envelopeRoundTripKeepsAllTables() throws {
        let result = try HospitalVisitAdapter().decode(
            try Fixtures.hospital("envelope-20.xml"), contentType: "application/xml", sender: Fixtures.sender())
        let original = try GIAMDINHHSParser().parse(try Fixtures.hospital("envelope-20.xml"))
        for (index, item) in result.items.enumerated() {
            let canonical = try #require(item.message)
            let fields = try form(try SocialSecurityClaimEncoder().encode(canonical))
            let back = try GIAMDINHHSParser().parse(try decodedFile(fields))
            let sent = Dictionary(uniqueKeysWithValues: original.records[index].map { ($0.kind, $0.content) })
            let received = Dictionary(uniqueKeysWithValues: back.records[0].map { ($0.kind, $0.content) })
            #expect(sent == received)
        }
    }

    @Test func jsonVisitGetsABuiltXML1() throws {
        let canonical = try message(Fixtures.json(Fixtures.baseVisit), "application/json")
        let fields = try form(try SocialSecurityClaimEncoder().encode(canonical))
        let envelope = try GIAMDINHHSParser().parse(try decodedFile(fields))
        let content = try #require(envelope.records[0][0].content)
        let xml1 = try StrictXMLParser().parse(content)
        #expect(xml1.name == "TONG_HOP")
        #expect(xml1.children.count == XML1Table.fieldNames.count)
        #expect(xml1.child("CHAN_DOAN_RV")?.text == "Viêm phổi & sốt")
        #expect(xml1.child("MA_QUOCTICH")?.text == "")
        #expect(XML1Table.visitFields(from: xml1).values == VisitRecord(fields: Fixtures.baseVisit).fields)
    }

    @Test func claimDateIsReceptionDayInVietnam() throws {
        var canonical = try message(Fixtures.json(Fixtures.baseVisit), "application/json")
        canonical.receivedAt = Date(timeIntervalSince1970: 1_709_312_400)  // 2024-03-01T17:00:00Z = 02/03 00:00 +07
        let fields = try form(try SocialSecurityClaimEncoder().encode(canonical))
        let envelope = try GIAMDINHHSParser().parse(try decodedFile(fields))
        #expect(envelope.createdOn == "20240302")
        #expect(try SocialSecurityClaimEncoder().encode(canonical) == SocialSecurityClaimEncoder().encode(canonical))
    }

    @Test func healthBookRecord() throws {
        let canonical = try message(Fixtures.json(Fixtures.baseVisit), "application/json")
        let payload = try HealthBookEncoder().encode(canonical)
        #expect(payload.contentType == "application/json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(payload.body)) as? [String: Any])
        #expect(object["citizenId"] as? String == "001303012345")
        let visit = try #require(object["visit"] as? [String: String])
        #expect(visit == Fixtures.baseVisit)
        #expect(payload.body.starts(with: Array("{\"citizenId\":\"001303012345\",\"visit\":{".utf8)))
    }

    @Test func healthBookNeedsAValidCitizenID() throws {
        for id in ["", "B1234567", "123456789"] {
            var visit = Fixtures.baseVisit
            visit["SO_CCCD"] = id
            let canonical = try message(Fixtures.json(visit), "application/json")
            #expect(throws: HealthBookError.noCitizenID) { try HealthBookEncoder().encode(canonical) }
        }
    }

    @Test func checkinEncoder() throws {
        let result = try HospitalCheckinAdapter().decode(
            try Fixtures.hospital("checkin-valid.xml"), contentType: "application/xml", sender: Fixtures.sender())
        let payload = try SocialSecurityCheckinEncoder(username: "u").encode(try #require(result.items[0].message))
        let fields = try form(payload)
        #expect(fields["loaiHoSo"] == "0")
        let xml0 = try StrictXMLParser().parse(try decodedFile(fields))
        #expect(xml0.descendant(["DSACH_TRANG_THAI_KCB", "TRANG_THAI_KCB", "MA_LK"])?.text == "LK2024000001")
        // What we send is itself a valid check-in for the adapter.
        let again = try HospitalCheckinAdapter().decode(
            try decodedFile(fields), contentType: "application/xml",
            sender: Fixtures.sender())
        #expect(again.items[0].message?.contentHash == result.items[0].message?.contentHash)
    }

    // MARK: - Portal protocol

    @Test func tokenRequestAndAnswer() throws {
        #expect(MD5.uppercaseHex("") == "D41D8CD98F00B204E9800998ECF8427E")
        #expect(MD5.uppercaseHex("The quick brown fox jumps over the lazy dog") == "9E107D9D372BB6826BD81D3542A419D6")
        let body = String(decoding: SocialSecurityProtocol.tokenRequestBody(username: "01013_bv", password: "secret"), as: UTF8.self)
        #expect(body == "username=01013_bv&password=\(MD5.uppercaseHex("secret"))")

        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let answer = Array("""
            {"maKetQua":"200","APIKey":{"access_token":"AT","id_token":"IT","token_type":"Bearer","username":"01013_bv","expires_in":"2023-11-14T23:13:20Z"}}
            """.utf8)
        let token = try SocialSecurityProtocol.parseToken(answer, now: now)
        #expect(token.accessToken == "AT")
        #expect(token.idToken == "IT")
        #expect(token.expiresAt == Date(timeIntervalSince1970: 1_700_003_600))
        #expect(!token.needsRefresh(now: now))
        #expect(token.needsRefresh(now: now.addingTimeInterval(3_541)))
        #expect(SocialSecurityProtocol.authorizationHeaders(token: token, passwordHash: "H").map(\.0)
            == ["accessToken", "tokenId", "passwordHash"])
        #expect(throws: SocialSecurityProtocolError.self) {
            try SocialSecurityProtocol.parseToken(Array("{\"maKetQua\":401}".utf8))
        }
    }

    @Test func answerOutcomes() {
        func outcome(_ status: Int, _ json: String) -> SocialSecurityOutcome {
            SocialSecurityProtocol.outcome(httpStatus: status, body: Array(json.utf8))
        }
        #expect(outcome(200, #"{"maKetQua":"200","maGiaoDich":"GD123","thoiGianTiepNhan":"20240301101500"}"#)
            == .delivered(transactionId: "GD123", receivedAt: "20240301101500"))
        #expect(outcome(200, #"{"maKetQua":200,"maGiaoDich":"GD9"}"#) == .delivered(transactionId: "GD9", receivedAt: ""))
        guard case .retry(_, true) = outcome(200, #"{"maKetQua":"401"}"#) else { Issue.record("401 answer"); return }
        guard case .retry(_, true) = outcome(401, "") else { Issue.record("HTTP 401"); return }
        guard case .retry(_, false) = outcome(503, "") else { Issue.record("HTTP 503"); return }
        guard case .retry(_, false) = outcome(429, "") else { Issue.record("HTTP 429"); return }
        guard case .retry(_, false) = outcome(200, "not json") else { Issue.record("unreadable"); return }
        guard case .retry(_, false) = outcome(200, #"{"maKetQua":"500"}"#) else { Issue.record("500 answer"); return }
        guard case .deadLetter(let reason) = outcome(200, #"{"maKetQua":"205","thongDiep":"Sai định dạng"}"#) else {
            Issue.record("205 answer")
            return
        }
        #expect(reason.contains("bad parameter format"))
        guard case .deadLetter = outcome(200, #"{"maKetQua":"403"}"#) else { Issue.record("403 answer"); return }
        guard case .deadLetter = outcome(400, "") else { Issue.record("HTTP 400"); return }
    }

    @Test func base64IsStrict() {
        #expect(Base64.decode("QUJD") == Array("ABC".utf8))
        #expect(Base64.decode("QUI=") == Array("AB".utf8))
        #expect(Base64.decode("QQ==") == Array("A".utf8))
        #expect(Base64.decode("QU\nJD\r\n") == Array("ABC".utf8))
        #expect(Base64.decode("") == [])
        for bad in ["QUJ", "QU=D", "QQ==QUJD", "Q===", "QR==", "QUJD*", "QUI=="] {
            #expect(Base64.decode(bad) == nil, "\(bad)")
        }
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        #expect(Base64.decode(Base64.encodeString(bytes)) == bytes)
        #expect(Base64.encodeString(bytes) == Data(bytes).base64EncodedString())
    }
}
