import Agencies
import Foundation
import Messages
import Testing

@Suite struct HospitalVisitAdapterTests {
    let adapter = HospitalVisitAdapter()

    private func decode(_ body: [UInt8], _ type: String, code: String? = "01013") throws(DecodeFailure) -> DecodeResult {
        try adapter.decode(body, contentType: type, sender: Fixtures.sender(code: code))
    }

    private func failure(_ body: [UInt8], _ type: String) -> DecodeFailure? {
        do {
            _ = try decode(body, type)
            return nil
        } catch {
            return error
        }
    }

    @Test func singleJSONVisit() throws {
        let result = try decode(try Fixtures.hospital("visit-single.json"), "application/json")
        #expect(!result.isBatch)
        let message = try #require(result.items.first?.message)
        #expect(message.type == "hospital.visit")
        #expect(message.sender == "bv-bach-mai")
        #expect(message.correlationId == "test-corr")
        #expect(message.idempotencyKey == "01013:LK2024000001")
        #expect(result.items.first?.key == "01013:LK2024000001")
        #expect(message.attributes == [
            "province": "01", "facility": "01013", "citizen": "001303012345", "fullName": "Nguyễn Thị An",
            "dateOfBirth": "200305150000", "sex": "2",
        ])
        #expect(message.businessKeys == [
            BusinessKey(kind: "citizen", value: "001303012345"), BusinessKey(kind: "ma_lk", value: "LK2024000001"),
            BusinessKey(kind: "facility", value: "01013"), BusinessKey(kind: "card", value: "HS4010123456789"),
        ])
        #expect(message.contentHash == SHA256.hex(VisitRecord(fields: Fixtures.baseVisit).fieldsJSON))
        let body = try #require(try JSONSerialization.jsonObject(with: Data(message.body)) as? [String: Any])
        #expect(body["HO_TEN"] as? String == "Nguyễn Thị An")
        #expect((body["tables"] as? [String: Any])?.isEmpty == true)
        // Canonical: sorted keys, no whitespace.
        #expect(message.body.starts(with: Array("{\"CHAN_DOAN_RV\":".utf8)))
    }

    @Test func jsonAndXML1OfTheSameVisitAreTheSameMessage() throws {
        let json = try #require(try decode(try Fixtures.hospital("visit-single.json"), "application/json").items[0].message)
        let reordered = try #require(
            try decode(try Fixtures.hospital("visit-single-reordered.json"), "application/json").items[0].message)
        let xmlBytes = try Fixtures.hospital("visit-xml1.xml")
        let xml = try #require(try decode(xmlBytes, "text/xml").items[0].message)
        #expect(json.contentHash == xml.contentHash)
        #expect(json.contentHash == reordered.contentHash)
        #expect(json.idempotencyKey == xml.idempotencyKey)
        #expect(json.body == reordered.body)
        #expect(json.body != xml.body)  // the XML body also carries the original XML1 table
        #expect(try VisitRecord(canonicalBody: xml.body).tables == ["XML1": xmlBytes])
        #expect(try VisitRecord(canonicalBody: xml.body).fields == VisitRecord(canonicalBody: json.body).fields)

        var changed = Fixtures.baseVisit
        changed["HO_TEN"] = "Nguyễn Thị Ánh"
        let other = try #require(try decode(Fixtures.json(changed), "application/json").items[0].message)
        #expect(other.contentHash != json.contentHash)
        #expect(other.idempotencyKey == json.idempotencyKey)
    }

    @Test func valuesAreTrimmedBeforeHashing() throws {
        var padded = Fixtures.baseVisit
        padded["HO_TEN"] = "  Nguyễn Thị An\n"
        let a = try #require(try decode(Fixtures.json(padded), "application/json").items[0].message)
        let b = try #require(try decode(Fixtures.json(Fixtures.baseVisit), "application/json").items[0].message)
        #expect(a.contentHash == b.contentHash)
    }

    @Test func jsonIntegersOnlyForNumericFields() throws {
        var object: [String: Any] = Fixtures.baseVisit
        object["GIOI_TINH"] = 2
        object["KET_QUA_DTRI"] = 1
        let message = try #require(try decode(Fixtures.json(object), "application/json").items[0].message)
        #expect(message.contentHash == SHA256.hex(VisitRecord(fields: Fixtures.baseVisit).fieldsJSON))

        for (field, value) in [("GIOI_TINH", true as Any), ("GIOI_TINH", 2.5 as Any), ("MA_LOAI_KCB", 1 as Any),
                               ("HO_TEN", ["x"] as Any)] {
            var bad: [String: Any] = Fixtures.baseVisit
            bad[field] = value
            let item = try decode(Fixtures.json(bad), "application/json").items[0]
            #expect(item.problems.map { "\($0.field):\($0.code)" } == ["\(field):format"], "\(field)=\(value)")
        }
    }

    @Test func jsonArrayLimits() throws {
        let visits = (0..<3).map { i -> [String: String] in
            var v = Fixtures.baseVisit
            v["MA_LK"] = "LK\(i)"
            return v
        }
        let result = try decode(Fixtures.json(visits), "application/json")
        #expect(result.isBatch)
        #expect(result.items.compactMap(\.message?.idempotencyKey) == ["01013:LK0", "01013:LK1", "01013:LK2"])

        let tooMany = Array(repeating: Fixtures.baseVisit, count: 1_001)
        let failure = failure(Fixtures.json(tooMany), "application/json")
        #expect(failure?.status == 413)
        #expect(failure?.problems.first?.code == "too_many")
        #expect(self.failure(Array("[1, {}]".utf8), "application/json") == nil)
        let mixed = try decode(Array("[1]".utf8), "application/json")
        #expect(mixed.items[0].problems.first?.code == "format")
    }

    @Test func bodyLevelFailures() {
        #expect(failure(Array("{".utf8), "application/json")?.status == 400)
        #expect(failure(Array("\"x\"".utf8), "application/json")?.status == 400)
        #expect(failure(Array("[]".utf8), "application/json")?.status == 422)
        #expect(failure(Array("{}".utf8), "text/plain")?.status == 415)
        #expect(failure(Array("<OTHER/>".utf8), "application/xml")?.status == 422)
        #expect(failure(Array("<TONG_HOP>".utf8), "application/xml")?.status == 400)
    }

    @Test func contentTypeParametersAreIgnored() throws {
        let result = try decode(Fixtures.json(Fixtures.baseVisit), "application/json; charset=utf-8")
        #expect(result.items[0].message != nil)
    }

    @Test func visitWithoutCitizenIDHasNoCitizenAttribute() throws {
        var visit = Fixtures.baseVisit
        visit["SO_CCCD"] = "B1234567"
        let message = try #require(try decode(Fixtures.json(visit), "application/json").items[0].message)
        #expect(message.attributes["citizen"] == nil)
        #expect(message.businessKeys.contains(BusinessKey(kind: "citizen", value: "B1234567")))
    }

    // MARK: - Envelopes

    @Test func envelopeWith20HOSOGives20Items() throws {
        let result = try decode(try Fixtures.hospital("envelope-20.xml"), "application/xml")
        #expect(result.isBatch)
        #expect(result.items.count == 20)
        let messages = result.items.compactMap(\.message)
        #expect(messages.count == 20)
        #expect(Set(messages.map(\.idempotencyKey)).count == 20)
        let withXML2 = try messages.filter { try VisitRecord(canonicalBody: $0.body).tables["XML2"] != nil }
        #expect(withXML2.count == 6)
    }

    @Test func badHOSODoesNotBlockTheOthers() throws {
        let good = Base64.encodeString(XML1Table.document(from: Fixtures.baseVisit))
        var second = Fixtures.baseVisit
        second["MA_LK"] = "LK2"
        let body = Fixtures.envelope([
            [("XML1", good)],
            [("XML1", "not*base64")],
            [("XML1", Base64.encodeString(XML1Table.document(from: second))), ("XML2", "QUJD")],
        ])
        let result = try decode(body, "application/xml")
        #expect(result.items.count == 3)
        #expect(result.items[0].message != nil)
        #expect(result.items[1].message == nil)
        #expect(result.items[1].problems.map { "\($0.field):\($0.code)" } == ["FILEHOSO[0].NOIDUNGFILE:base64"])
        let third = try #require(result.items[2].message)
        #expect(try VisitRecord(canonicalBody: third.body).tables["XML2"] == Array("ABC".utf8))
    }

    @Test func invalidVisitInsideEnvelopeIsRejectedAlone() throws {
        var bad = Fixtures.baseVisit
        bad["MA_LK"] = "LK9"
        bad["GIOI_TINH"] = "7"
        let body = Fixtures.envelope([
            [("XML1", Base64.encodeString(XML1Table.document(from: Fixtures.baseVisit)))],
            [("XML1", Base64.encodeString(XML1Table.document(from: bad)))],
            [("XML1", Base64.encodeString(Array("<TONG_HOP><MA_LK>".utf8)))],
            [("XML3", "QUJD")],
            [("XML1", "QUJD"), ("XML99", "QUJD")],
        ])
        let result = try decode(body, "application/xml")
        #expect(result.items[0].message != nil)
        #expect(result.items[1].key == "01013:LK9")
        #expect(result.items[1].problems.map { "\($0.field):\($0.code)" } == ["GIOI_TINH:code_list"])
        #expect(result.items[2].problems.map(\.code) == ["xml"])
        #expect(result.items[3].problems.map { "\($0.field):\($0.code)" } == ["FILEHOSO:required"])
        #expect(result.items[4].problems.map { "\($0.field):\($0.code)" }.contains("FILEHOSO[1].LOAIHOSO:code_list"))
    }

    @Test func envelopeLevelChecks() {
        let one = [[("XML1", Base64.encodeString(XML1Table.document(from: Fixtures.baseVisit)))]]
        let count = failure(Fixtures.envelope(one, count: 2), "application/xml")
        #expect(count?.status == 422)
        #expect(count?.problems.map(\.field) == ["THONGTINHOSO.SOLUONGHOSO"])
        let facility = failure(Fixtures.envelope(one, facility: "79001"), "application/xml")
        #expect(facility?.problems.map(\.code) == ["facility_mismatch"])
        let empty = failure(Fixtures.envelope([]), "application/xml")
        #expect(empty?.status == 422)
        let tooMany = failure(Fixtures.envelope(Array(repeating: [("XML1", "QUJD")], count: 1_001)), "application/xml")
        #expect(tooMany?.status == 413)
    }

    @Test func envelopeFacilityMustMatchEachVisitWhenSenderIsUnbound() throws {
        var other = Fixtures.baseVisit
        other["MA_CSKCB"] = "79001"
        let body = Fixtures.envelope([[("XML1", Base64.encodeString(XML1Table.document(from: other)))]])
        let result = try decode(body, "application/xml", code: nil)
        #expect(result.items[0].problems.map { "\($0.field):\($0.code)" } == ["MA_CSKCB:facility_mismatch"])
    }

    @Test func innerTableSizeLimit() throws {
        let small = HospitalVisitAdapter(envelopeParser: GIAMDINHHSParser(maxRecords: 10, maxTableBytes: 100))
        let body = Fixtures.envelope([[("XML1", Base64.encodeString(XML1Table.document(from: Fixtures.baseVisit)))]])
        let result = try small.decode(body, contentType: "application/xml", sender: Fixtures.sender())
        #expect(result.items[0].problems.map(\.code) == ["too_long"])
    }

    @Test(arguments: ["hostile-billion-laughs.xml", "hostile-xxe.xml", "hostile-deep-nesting.xml", "hostile-latin1.xml",
                      "hostile-unknown-entity.xml"])
    func hostileXMLIsRefusedQuickly(file: String) throws {
        let bytes = try Fixtures.hospital(file)
        let failure = failure(bytes, "application/xml")
        #expect(failure?.status == 400)
        #expect(failure?.problems.first?.field == "body")
    }

    // MARK: - Check-in

    @Test func checkin() throws {
        let result = try HospitalCheckinAdapter().decode(
            try Fixtures.hospital("checkin-valid.xml"), contentType: "application/xml", sender: Fixtures.sender())
        let message = try #require(result.items.first?.message)
        #expect(!result.isBatch)
        #expect(message.type == "hospital.checkin")
        #expect(message.idempotencyKey == "01013:LK2024000001:checkin")
        #expect(message.attributes["citizen"] == "001303012345")
        #expect(try CheckinRecord(canonicalBody: message.body)["MA_DICH_VU"] == "02.1896")
        #expect(throws: DecodeFailure.self) {
            try HospitalCheckinAdapter().decode(
                try Fixtures.hospital("visit-xml1.xml"), contentType: "application/xml", sender: Fixtures.sender())
        }
        let wrongFacility = try HospitalCheckinAdapter().decode(
            try Fixtures.hospital("checkin-valid.xml"), contentType: "application/xml", sender: Fixtures.sender(code: "79001"))
        #expect(wrongFacility.items[0].problems.map(\.code) == ["facility_mismatch"])
    }
}
