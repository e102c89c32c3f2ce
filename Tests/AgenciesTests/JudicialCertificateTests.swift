import Agencies
import Foundation
import Messages
import Testing

@Suite struct JudicialCertificateTests {
    let adapter = JudicialCertificateAdapter(now: { JudicialTestSupport.now })
    typealias S = JudicialTestSupport

    private func person(relatives: Bool) -> [String: Any] {
        var person: [String: Any] = [
            "citizenId": "046085004521", "fullName": "Trần Văn Hùng", "dateOfBirth": "1985-07-21", "sex": "male",
            "placeOfBirth": "Thừa Thiên Huế", "nationality": "VN", "residenceProvince": "46",
        ]
        if relatives {
            person["fatherName"] = "Trần Văn Phú"
            person["motherName"] = "Hồ Thị Sen"
            person["spouseName"] = "Lê Thị Hạnh"
        }
        return person
    }

    private func typeOneConviction() -> [String: Any] {
        ["charges": [["name": "Trộm cắp tài sản", "article": 173]], "mainPenalty": ["type": "imprisonment", "months": 12]]
    }

    private func typeTwoConviction() -> [String: Any] {
        [
            "judgmentNumber": "7/2025/HSPT", "judgmentDate": "2025-06-12",
            "court": ["code": "TAND-HN", "name": "Tòa án nhân dân thành phố Hà Nội"],
            "charges": [["name": "Trộm cắp tài sản", "article": 173, "clause": 1]],
            "mainPenalty": ["type": "imprisonment", "months": 12], "courtFeeVnd": 200_000,
            "executionStatus": "serving", "expunged": false,
        ]
    }

    private func certificate(type: Int, convictions: Any) -> [String: Any] {
        [
            "certificateNumber": "88/2026/LLTP", "requestNumber": "VNEID-2026-000457", "certificateType": type,
            "issuedAt": "2026-11-20T10:30:00+07:00",
            "issuer": ["code": "STP-TTH", "name": "Sở Tư pháp tỉnh Thừa Thiên Huế", "province": "46"],
            "person": person(relatives: type == 2), "convictions": convictions, "banInfo": "none",
        ]
    }

    private func decode(_ value: [String: Any], _ change: (inout [String: Any]) -> Void = { _ in }) throws -> DecodeResult {
        var value = value
        change(&value)
        return try S.decode(adapter, value, sender: S.sender("stp-tth", kind: "justice"))
    }

    @Test func typeOneWithoutConvictions() throws {
        let result = try decode(certificate(type: 1, convictions: "none")) { $0["banInfo"] = nil }
        let message = try #require(result.items[0].message)
        #expect(message.type == "judicial.certificate")
        #expect(message.idempotencyKey == "STP-TTH:88/2026/LLTP")
        #expect(message.businessKeys.contains(BusinessKey(kind: "request", value: "VNEID-2026-000457")))
        #expect(message.attributes["issuerProvince"] == "46")
        #expect(message.attributes["certificateType"] == "1")
        let body = try S.body(result)
        #expect(body["convictions"] as? String == "none")
        #expect(body["banInfo"] == nil)
    }

    @Test func typeOneListsOnlyUnexpungedConvictionsWithChargeAndPenalties() throws {
        #expect(try decode(certificate(type: 1, convictions: [typeOneConviction()])).items[0].problems == [])
        var expunged = typeOneConviction()
        expunged["expunged"] = true
        #expect(S.problems(try decode(certificate(type: 1, convictions: [typeOneConviction(), expunged])), item: 0)
            == ["convictions[1].expunged:expunged_on_type1"])
        var detailed = typeOneConviction()
        detailed["courtFeeVnd"] = 200_000
        detailed["executionStatus"] = "serving"
        #expect(S.problems(try decode(certificate(type: 1, convictions: [detailed])))
            == ["convictions[0].courtFeeVnd:not_applicable", "convictions[0].executionStatus:not_applicable"])
        let bare: [String: Any] = ["charges": [["name": "Trộm cắp tài sản"]]]
        #expect(S.problems(try decode(certificate(type: 1, convictions: [bare]))) == ["convictions[0].mainPenalty:required"])
    }

    @Test func typeTwoListsEverythingIncludingExpunged() throws {
        var old = typeTwoConviction()
        old["judgmentNumber"] = "45/2010/HSST"
        old["judgmentDate"] = "2010-05-20"
        old["expunged"] = true
        old["expungedDate"] = "2024-09-05"
        old["executionStatus"] = "completed"
        let result = try decode(certificate(type: 2, convictions: [typeTwoConviction(), old]))
        #expect(result.items[0].problems == [])
        let convictions = try #require(try S.body(result)["convictions"] as? [[String: Any]])
        #expect(convictions.map { $0["expunged"] as? Bool } == [false, true])
    }

    @Test func typeTwoConvictionNeedsJudgmentDetails() throws {
        var partial = typeTwoConviction()
        partial["judgmentNumber"] = nil
        partial["court"] = nil
        partial["executionStatus"] = nil
        partial["expunged"] = nil
        partial["charges"] = [["name": "Trộm cắp tài sản"]]
        #expect(S.problems(try decode(certificate(type: 2, convictions: [partial]))) == [
            "convictions[0].judgmentNumber:required", "convictions[0].court:required",
            "convictions[0].executionStatus:required", "convictions[0].expunged:required",
            "convictions[0].charges[0].article:required",
        ])
        var early = typeTwoConviction()
        early["expunged"] = true
        early["expungedDate"] = "2024-01-01"
        #expect(S.problems(try decode(certificate(type: 2, convictions: [early]))) == ["convictions[0].expungedDate:date_order"])
    }

    @Test func convictionsStatement() throws {
        #expect(S.problems(try decode(certificate(type: 1, convictions: "không có án tích"))) == ["convictions:code_list"])
        #expect(S.problems(try decode(certificate(type: 1, convictions: []))) == ["convictions:format"])
        #expect(S.problems(try decode(certificate(type: 1, convictions: 0))) == ["convictions:type"])
        #expect(S.problems(try decode(certificate(type: 1, convictions: "none")) { $0["convictions"] = nil })
            == ["convictions:required"])
    }

    @Test func banInfoIsRequiredOnTypeTwoOnly() throws {
        #expect(S.problems(try decode(certificate(type: 2, convictions: "none")) { $0["banInfo"] = nil }) == ["banInfo:required"])
        let ban: [String: Any] = [
            "ban": "Cấm thành lập, quản lý doanh nghiệp", "decisionNumber": "05/2023/QĐ-TBPS", "decisionDate": "2023-04-10",
            "fromDate": "2023-03-01", "months": 36,
        ]
        #expect(S.problems(try decode(certificate(type: 1, convictions: "none")) { $0["banInfo"] = [ban] })
            == ["banInfo[0].fromDate:date_order"])
    }

    @Test func personIdentityFollowsTheType() throws {
        let typeTwo = try decode(certificate(type: 2, convictions: "none")) { value in
            var person = value["person"] as! [String: Any]
            person["spouseName"] = nil
            value["person"] = person
        }
        #expect(S.problems(typeTwo) == ["person.spouseName:required"])
        let typeOne = try decode(certificate(type: 1, convictions: "none")) { value in
            value["person"] = person(relatives: true)
        }
        #expect(S.problems(typeOne) == [
            "person.fatherName:not_applicable", "person.motherName:not_applicable", "person.spouseName:not_applicable",
        ])
    }

    @Test func nationalCentreHasNoProvince() throws {
        let result = try decode(certificate(type: 1, convictions: "none")) {
            $0["issuer"] = ["code": "TTLLTPQG", "name": "Trung tâm Lý lịch tư pháp quốc gia"]
        }
        let message = try #require(result.items[0].message)
        #expect(message.idempotencyKey == "TTLLTPQG:88/2026/LLTP")
        #expect(message.attributes["issuerProvince"] == nil)
    }

    @Test func vneidEncoderWrapsTheCertificate() throws {
        let message = try #require(try decode(certificate(type: 2, convictions: [typeTwoConviction()])).items[0].message)
        let payload = try VNeIDCertificateEncoder().encode(message)
        #expect(payload.contentType == "application/json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(payload.body)) as? [String: Any])
        #expect(json["messageId"] as? String == message.id.rawValue)
        #expect(json["requestNumber"] as? String == "VNEID-2026-000457")
        #expect(json["certificateNumber"] as? String == "88/2026/LLTP")
        #expect(json["certificateType"] as? Int == 2)
        #expect(json["issuedAt"] as? String == "2026-11-20T10:30:00+07:00")
        let certificate = try #require(json["certificate"] as? [String: Any])
        #expect((certificate["person"] as? [String: Any])?["spouseName"] as? String == "Lê Thị Hạnh")
        #expect(try VNeIDCertificateEncoder().encode(message) == payload)

        var request = message
        request.type = "vneid.certificate-request"
        #expect(throws: JudicialEncodeError.unsupportedType("vneid.certificate-request")) {
            try VNeIDCertificateEncoder().encode(request)
        }
        var broken = message
        broken.body = Array("{}".utf8)
        #expect(throws: JudicialEncodeError.malformedBody) { try VNeIDCertificateEncoder().encode(broken) }
        #expect(throws: JudicialEncodeError.unsupportedType("judicial.certificate")) {
            try JusticeRecordEncoder().encode(message)
        }
    }
}
