import Agencies
import Foundation
import Messages
import Testing

@Suite struct CertificateRequestTests {
    let adapter = CertificateRequestAdapter(now: { JudicialTestSupport.now })
    typealias S = JudicialTestSupport

    private func type1() -> [String: Any] {
        [
            "requestNumber": "VNEID-2026-000123", "certificateType": 1,
            "applicant": [
                "citizenId": "001095007788", "fullName": "Hoàng Văn Nam", "dateOfBirth": "1995-08-17", "sex": "male",
                "nationality": "VN", "residenceProvince": "79", "phone": "+84912345678",
            ],
            "purpose": "Bổ sung hồ sơ xin việc", "submittedAt": "2026-11-02T09:15:00+07:00",
        ]
    }

    private func type2() -> [String: Any] {
        [
            "requestNumber": "VNEID-2026-000456", "certificateType": 2,
            "applicant": [
                "citizenId": "038169005566", "fullName": "Đặng Thị Hoa", "dateOfBirth": "1969-12-24", "sex": "female",
                "nationality": "VN", "residenceProvince": "38", "fatherName": "Đặng Văn Lực", "motherName": "Nguyễn Thị Mơ",
                "spouseName": NSNull(),
            ],
            "purpose": "Xuất khẩu lao động", "requestedBy": "self", "submittedAt": "2026-11-03T14:00:00Z",
        ]
    }

    private func decode(_ base: [String: Any], _ change: (inout [String: Any]) -> Void = { _ in }) throws -> DecodeResult {
        var value = base
        change(&value)
        return try S.decode(adapter, value, sender: S.sender("vneid", kind: "vneid"))
    }

    private func applicant(_ value: inout [String: Any], _ change: (inout [String: Any]) -> Void) {
        var applicant = value["applicant"] as! [String: Any]
        change(&applicant)
        value["applicant"] = applicant
    }

    @Test func typeOneRequest() throws {
        let result = try decode(type1())
        let message = try #require(result.items[0].message)
        #expect(message.type == "vneid.certificate-request")
        #expect(message.idempotencyKey == "VNEID-2026-000123")
        #expect(Set(message.businessKeys) == [
            BusinessKey(kind: "citizen", value: "001095007788"), BusinessKey(kind: "request", value: "VNEID-2026-000123"),
        ])
        #expect(message.attributes == [
            "residenceProvince": "79", "citizen": "001095007788", "fullName": "Hoàng Văn Nam",
            "dateOfBirth": "1995-08-17", "sex": "male", "certificateType": "1",
        ])
        let body = try S.body(result)
        #expect(body["requestedBy"] as? String == "self")
        #expect(body["includeBanInfo"] as? Bool == false)
        #expect(body["viaRepresentative"] as? Bool == false)
    }

    @Test func typeOneMayGoThroughARepresentativeAndAskForBanInfo() throws {
        let result = try decode(type1()) { $0["viaRepresentative"] = true; $0["includeBanInfo"] = true }
        #expect(result.items[0].problems == [])
        #expect(try S.body(result)["includeBanInfo"] as? Bool == true)
    }

    @Test func typeTwoKeepsAnExplicitlyAbsentSpouse() throws {
        let result = try decode(type2())
        #expect(result.items[0].problems == [])
        let applicant = try #require(try S.body(result)["applicant"] as? [String: Any])
        #expect(applicant["spouseName"] is NSNull)
        #expect(applicant["fatherName"] as? String == "Đặng Văn Lực")
        #expect(result.items[0].message?.attributes["certificateType"] == "2")
    }

    @Test func typeTwoNeedsParentsAndSpouseKey() throws {
        let result = try decode(type2()) { value in
            applicant(&value) { $0["fatherName"] = nil; $0["motherName"] = ""; $0["spouseName"] = nil }
        }
        #expect(S.problems(result) == [
            "applicant.fatherName:required", "applicant.motherName:required", "applicant.spouseName:required",
        ])
        #expect(result.items[0].key == "VNEID-2026-000456")
    }

    @Test func typeTwoCannotGoThroughARepresentative() throws {
        let result = try decode(type2()) { $0["viaRepresentative"] = true }
        #expect(S.problems(result) == ["viaRepresentative:representative_not_allowed"])
        let notBool = try decode(type2()) { $0["viaRepresentative"] = "no" }
        #expect(S.problems(notBool) == ["viaRepresentative:type"])
    }

    @Test func typeTwoRequester() throws {
        #expect(S.problems(try decode(type2()) { $0["requestedBy"] = nil }) == ["requestedBy:required"])
        #expect(S.problems(try decode(type2()) { $0["requestedBy"] = "organisation" }) == ["requestedBy:code_list"])
        #expect(try decode(type2()) { $0["requestedBy"] = "prosecuting_body" }.items[0].problems == [])
        #expect(S.problems(try decode(type2()) { $0["includeBanInfo"] = true }) == ["includeBanInfo:not_applicable"])
    }

    @Test func typeOneRefusesRelativesNames() throws {
        let result = try decode(type1()) { value in applicant(&value) { $0["spouseName"] = NSNull() } }
        #expect(S.problems(result) == ["applicant.spouseName:not_applicable"])
    }

    @Test func certificateTypeAndTimestamps() throws {
        #expect(S.problems(try decode(type1()) { $0["certificateType"] = 3 }) == ["certificateType:range"])
        #expect(S.problems(try decode(type1()) { $0["certificateType"] = "1" }) == ["certificateType:type"])
        #expect(S.problems(try decode(type1()) { $0["certificateType"] = true }) == ["certificateType:type"])
        for bad in ["2026-11-02T09:15:00", "2026-11-02 09:15:00Z", "2026-13-02T09:15:00Z", "2026-11-02T24:00:00Z",
                    "2026-11-02T09:15:00+7:00"] {
            #expect(S.problems(try decode(type1()) { $0["submittedAt"] = bad }) == ["submittedAt:format"], "\(bad)")
        }
        for good in ["2026-11-02T09:15:00.123Z", "2026-11-30T13:59:59-05:00", "2026-12-01T07:04:00+07:00"] {
            #expect(try decode(type1()) { $0["submittedAt"] = good }.items[0].problems == [], "\(good)")
        }
        #expect(S.problems(try decode(type1()) { $0["submittedAt"] = "2026-12-01T00:10:00Z" }) == ["submittedAt:future"])
    }

    @Test func applicantFields() throws {
        let result = try decode(type1()) { value in
            applicant(&value) {
                $0["nationality"] = "VNM"
                $0["phone"] = "091234567"
                $0["residenceProvince"] = nil
                $0["email"] = "a@b.vn"
            }
        }
        #expect(S.problems(result) == [
            "applicant.nationality:format", "applicant.phone:format", "applicant.residenceProvince:required",
            "applicant.email:unknown",
        ])
    }

    @Test func justiceEncoderCarriesTheRequest() throws {
        let message = try #require(try decode(type2()).items[0].message)
        let payload = try JusticeRecordEncoder().encode(message)
        let envelope = try #require(try JSONSerialization.jsonObject(with: Data(payload.body)) as? [String: Any])
        #expect(envelope["type"] as? String == "vneid.certificate-request")
        #expect(envelope["sender"] as? String == "vneid")
        let record = try #require(envelope["record"] as? [String: Any])
        #expect(record["requestNumber"] as? String == "VNEID-2026-000456")
    }
}
