import Agencies
import Foundation
import Messages
import Testing

@Suite struct CourtVerdictTests {
    let adapter = CourtVerdictAdapter(now: { JudicialTestSupport.now })
    typealias S = JudicialTestSupport

    private func decode(_ change: (inout [String: Any]) -> Void) throws -> DecodeResult {
        var verdict = S.verdict()
        change(&verdict)
        return try S.decode(adapter, verdict)
    }

    private func person(_ verdict: inout [String: Any], _ change: (inout [String: Any]) -> Void) {
        var person = verdict["person"] as! [String: Any]
        change(&person)
        verdict["person"] = person
    }

    @Test func validJudgmentBecomesACanonicalMessage() throws {
        let result = try S.decode(adapter, S.verdict())
        #expect(!result.isBatch)
        let message = try #require(result.items[0].message)
        #expect(message.type == "court.verdict")
        #expect(message.idempotencyKey == "TAND-HN-BD:15/2025/HSST")
        #expect(message.sender == "court-hn")
        #expect(message.correlationId == "corr-test")
        #expect(Set(message.businessKeys) == [
            BusinessKey(kind: "citizen", value: "046085004521"), BusinessKey(kind: "judgment", value: "15/2025/HSST"),
            BusinessKey(kind: "court", value: "TAND-HN-BD"),
        ])
        #expect(message.attributes == [
            "courtProvince": "01", "residenceProvince": "46", "citizen": "046085004521", "fullName": "Trần Văn Hùng",
            "dateOfBirth": "1985-07-21", "sex": "male",
        ])
        #expect(message.contentHash == SHA256.hex(message.body))
        let text = String(decoding: message.body, as: UTF8.self)
        #expect(text.hasPrefix("{\"charges\":[{\"article\":173,"))
        #expect(text.contains("\"number\":\"15/2025/HSST\""))
    }

    @Test func aCourtBoundToACodeMaySendOnlyItsOwnVerdicts() throws {
        func sender(_ code: String?) -> SenderContext {
            SenderContext(agency: "court-hn", kind: "court", code: code, correlationId: "corr-test")
        }
        #expect(try S.decode(adapter, S.verdict(), sender: sender("TAND-HN-BD")).items[0].message != nil)
        let other = try S.decode(adapter, S.verdict(), sender: sender("TAND-HCM-Q1"))
        #expect(other.items[0].message == nil)
        #expect(S.problems(other) == ["court.code:court_mismatch"])
        #expect(try S.decode(adapter, S.verdict(), sender: sender(nil)).items[0].message != nil)
    }

    @Test func canonicalBodyIsWhatJSONSerializationWouldWriteSorted() throws {
        let result = try decode {
            $0["civilObligations"] = "Bồi thường \"12.000.000\" đồng\nvà án phí \\ 5%"
            $0["additionalPenalties"] = [["type": "ban_from_office", "months": 24]]
            $0["mainPenalty"] = ["type": "imprisonment", "months": 30, "suspended": true, "probationMonths": 60]
            person(&$0) { $0["spouseName"] = "Lê Thị Hạnh" }
        }
        let message = try #require(result.items[0].message)
        let parsed = try JSONSerialization.jsonObject(with: Data(message.body))
        let reference = try JSONSerialization.data(withJSONObject: parsed, options: [.sortedKeys, .withoutEscapingSlashes])
        #expect(String(decoding: message.body, as: UTF8.self) == String(decoding: reference, as: UTF8.self))
        #expect(try S.body(result)["civilObligations"] as? String == "Bồi thường \"12.000.000\" đồng\nvà án phí \\ 5%")
    }

    @Test(arguments: ["15/2025/HSST", "1/1990/HSST", "12345/2027/HSST", "07/2026/HSST"])
    func acceptsJudgmentNumbers(_ number: String) throws {
        let result = try decode { $0["number"] = number; $0["date"] = "2025-01-02" }
        #expect(result.items[0].problems == [])
    }

    @Test(arguments: [
        "15-2025-HSST", "15/2028/HSST", "15/1989/HSST", "123456/2025/HSST", "15/2025/hsst", "15/25/HSST",
        "15/2025/HSST/1", "15/2025/H", "/2025/HSST", "15/2025/HSPT", "15/2025/HS ST",
    ])
    func rejectsJudgmentNumbers(_ number: String) throws {
        let result = try decode { $0["number"] = number }
        #expect(S.problems(result) == ["number:format"])
    }

    @Test func kindsRequireTheirSuffix() throws {
        let appeal = try decode {
            $0["kind"] = "appeal"
            $0["number"] = "7/2025/HSST"
            $0["refersTo"] = "15/2025/HSST"
        }
        #expect(S.problems(appeal) == ["number:format"])
        let cassation = try decode {
            $0["kind"] = "cassation"
            $0["number"] = "3/2025/HS-GĐT"
            $0["refersTo"] = "7/2025/HSPT"
        }
        #expect(cassation.items[0].problems == [])
        let body = try S.body(cassation)
        #expect(body["refersTo"] as? String == "7/2025/HSPT")
        #expect(cassation.items[0].message?.businessKeys.contains(BusinessKey(kind: "judgment", value: "7/2025/HSPT")) == true)
    }

    @Test func laterDecisionsNeedRefersToAndJudgmentsRefuseIt() throws {
        let expungement = try decode {
            $0["kind"] = "expungement"
            $0["number"] = "12/2024/QĐ-XXAT"
            $0["charges"] = nil
            $0["mainPenalty"] = nil
            $0["courtFeeVnd"] = nil
        }
        #expect(S.problems(expungement) == ["refersTo:required"])
        let judgment = try decode { $0["refersTo"] = "1/2024/HSST" }
        #expect(S.problems(judgment) == ["refersTo:not_applicable"])
        let selfReference = try decode {
            $0["kind"] = "commutation"
            $0["number"] = "2/2025/QĐ-GHP"
            $0["refersTo"] = "2/2025/QĐ-GHP"
        }
        #expect(S.problems(selfReference) == ["refersTo:format"])
    }

    @Test func judgmentAndAppealNeedChargesPenaltyAndFee() throws {
        let result = try decode {
            $0["charges"] = []
            $0["mainPenalty"] = nil
            $0["courtFeeVnd"] = nil
        }
        #expect(S.problems(result) == ["charges:required", "mainPenalty:required", "courtFeeVnd:required"])
    }

    @Test func effectiveDateBeforeJudgmentIsDateOrder() throws {
        let result = try decode { $0["date"] = "2025-03-25"; $0["effectiveDate"] = "2025-03-10" }
        #expect(S.problems(result) == ["effectiveDate:date_order"])
        let sameDay = try decode { $0["effectiveDate"] = "2025-03-10" }
        #expect(sameDay.items[0].problems == [])
    }

    @Test func futureAndImpossibleDates() throws {
        // The pinned clock is 2026-12-01T00:00Z, 07:00 in Việt Nam: 1 December is today, 2 December is future.
        let today = try decode { $0["date"] = "2026-12-01"; $0["effectiveDate"] = "2026-12-01" }
        #expect(today.items[0].problems == [])
        let tomorrow = try decode { $0["effectiveDate"] = "2026-12-02" }
        #expect(S.problems(tomorrow) == ["effectiveDate:future"])
        let impossible = try decode { $0["date"] = "2025-02-29"; $0["effectiveDate"] = "25/03/2025" }
        #expect(S.problems(impossible) == ["date:invalid_date", "effectiveDate:invalid_date"])
        let unborn = try decode { person(&$0) { $0["dateOfBirth"] = "2025-03-11"; $0["citizenId"] = "046225004521" } }
        #expect(S.problems(unborn) == ["person.dateOfBirth:date_order"])
    }

    @Test func dayArithmeticAgreesWithFoundationCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(secondsFromGMT: 0))
        for days in stride(from: -25_567, through: 150_000, by: 37) {
            let date = Date(timeIntervalSince1970: TimeInterval(days) * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let day = try #require(JudicialDay(daysSince1970: days))
            #expect([day.year, day.month, day.day] == [parts.year, parts.month, parts.day])
            #expect(day.daysSince1970 == days)
        }
        #expect(JudicialDay("2024-02-29") != nil)
        #expect(JudicialDay("2100-02-29") == nil)
        #expect(JudicialDay("2000-02-29") != nil)
        #expect(JudicialDay("1899-12-31") == nil)
        // 16:59:59Z is still the same day in Việt Nam; 17:00Z is the next.
        #expect(JudicialDay.today(at: Date(timeIntervalSince1970: 1_796_144_399)).description == "2026-12-01")
        #expect(JudicialDay.today(at: Date(timeIntervalSince1970: 1_796_144_400)).description == "2026-12-02")
    }

    @Test func citizenIdStructureIsCheckedAgainstSexAndBirthYear() throws {
        let female = try decode { person(&$0) { $0["sex"] = "female" } }
        #expect(S.problems(female) == ["person.citizenId:id_century_sex"])
        let year = try decode { person(&$0) { $0["dateOfBirth"] = "1986-07-21" } }
        #expect(S.problems(year) == ["person.citizenId:id_birth_year"])
        let province = try decode { person(&$0) { $0["citizenId"] = "003085001234" } }
        #expect(S.problems(province) == ["person.citizenId:id_province"])
        let letters = try decode { person(&$0) { $0["citizenId"] = "04608500452A" } }
        #expect(S.problems(letters) == ["person.citizenId:format"])
    }

    @Test func everyProblemIsReportedWithItsPath() throws {
        let result = try decode {
            $0["judge"] = "X"
            $0["kind"] = "sentence"
            $0["court"] = ["code": "tand hn", "name": "", "province": "03"]
            person(&$0) { $0["sex"] = "M"; $0["nickname"] = "Hùng béo"; $0["residenceProvince"] = nil }
            $0["charges"] = [["name": "Trộm cắp tài sản", "article": 173], ["article": 427, "point": "ab"]]
            $0["mainPenalty"] = ["type": "imprisonment", "months": 2, "amountVnd": 1]
            $0["additionalPenalties"] = [["type": "fine"], ["type": "lashes"]]
            $0["courtFeeVnd"] = -1
            $0["executionStatus"] = true
        }
        #expect(S.problems(result) == [
            "judge:unknown", "kind:code_list", "court.code:format", "court.name:required", "court.province:code_list",
            "person.sex:code_list", "person.nickname:unknown", "person.residenceProvince:required",
            "charges[1].name:required", "charges[1].article:range", "charges[1].point:format",
            "mainPenalty.months:range", "mainPenalty.amountVnd:not_applicable",
            "additionalPenalties[0].amountVnd:required", "additionalPenalties[1].type:code_list",
            "courtFeeVnd:range", "executionStatus:type",
        ])
        #expect(result.items[0].key == nil)
        #expect(result.items[0].message == nil)
    }

    @Test func suspendedSentencesFollowPenalCodeLimits() throws {
        let ok = try decode { $0["mainPenalty"] = ["type": "imprisonment", "months": 30, "suspended": true, "probationMonths": 60] }
        #expect(ok.items[0].problems == [])
        let long = try decode { $0["mainPenalty"] = ["type": "imprisonment", "months": 48, "suspended": true, "probationMonths": 60] }
        #expect(S.problems(long) == ["mainPenalty.suspended:not_applicable"])
        let noProbation = try decode { $0["mainPenalty"] = ["type": "imprisonment", "months": 12, "suspended": true] }
        #expect(S.problems(noProbation) == ["mainPenalty.probationMonths:required"])
        let fine = try decode { $0["mainPenalty"] = ["type": "fine", "amountVnd": 20_000_000, "suspended": false] }
        #expect(S.problems(fine) == ["mainPenalty.suspended:not_applicable"])
    }

    @Test func namesAreNFCNormalisedSoEquivalentSpellingsHashAlike() throws {
        let composed = try S.decode(adapter, S.verdict())
        let decomposed = try decode {
            person(&$0) { $0["fullName"] = "  " + "Trần Văn Hùng".decomposedStringWithCanonicalMapping + " " }
        }
        let a = try #require(composed.items[0].message)
        let b = try #require(decomposed.items[0].message)
        #expect(a.body == b.body)
        #expect(a.contentHash == b.contentHash)
        #expect(b.attributes["fullName"] == "Trần Văn Hùng")
        let changed = try decode { $0["courtFeeVnd"] = 300_000 }
        #expect(changed.items[0].message?.contentHash != a.contentHash)
    }

    @Test func bodyLevelFailures() throws {
        #expect(throws: DecodeFailure.self) {
            try adapter.decode(S.json(S.verdict()), contentType: "application/xml", sender: S.sender())
        }
        do {
            _ = try CourtVerdictAdapter(maxItems: 2, now: { S.now }).decode(
                S.json([S.verdict(), S.verdict(), S.verdict()]), contentType: "application/json", sender: S.sender())
            Issue.record("three items over a limit of two must fail")
        } catch {
            #expect(error.status == 413)
        }
        do {
            _ = try adapter.decode(Array("[]".utf8), contentType: "application/json", sender: S.sender())
            Issue.record("an empty array must fail")
        } catch {
            #expect(error.status == 400)
        }
        do {
            _ = try adapter.decode(Array("{\"kind\":".utf8), contentType: "application/json", sender: S.sender())
            Issue.record("broken JSON must fail")
        } catch {
            #expect(error.status == 400)
            #expect(error.problems.map(\.code) == ["json"])
        }
    }

    @Test func arraysAreDecidedItemByItem() throws {
        var second = S.verdict()
        second["number"] = "16/2025/HSST"
        second["kind"] = "judgement"
        let result = try S.decode(adapter, [S.verdict(), second])
        #expect(result.isBatch)
        #expect(result.items.count == 2)
        #expect(result.items[0].message != nil)
        #expect(result.items[1].key == "TAND-HN-BD:16/2025/HSST")
        #expect(S.problems(result, item: 1) == ["kind:code_list"])
    }

    @Test func decodesAThousandVerdictsItemByItem() throws {
        let items: [[String: Any]] = (1...1000).map { index in
            var verdict = S.verdict()
            verdict["number"] = "\(index)/2025/HSST"
            if index % 100 == 0 { verdict["courtFeeVnd"] = -5 }
            return verdict
        }
        let body = S.json(items)
        let clock = ContinuousClock()
        var result: DecodeResult?
        let elapsed = try clock.measure { result = try adapter.decode(body, contentType: "application/json", sender: S.sender()) }
        let decoded = try #require(result)
        #expect(decoded.items.count == 1000)
        #expect(decoded.items.filter { $0.message != nil }.count == 990)
        #expect(Set(decoded.items.compactMap { $0.message?.idempotencyKey }).count == 990)
        #expect(decoded.items[99].key == "TAND-HN-BD:100/2025/HSST")
        print("decoded 1,000 verdicts (\(body.count) bytes) in \(elapsed)")
    }

    @Test func justiceEncoderWrapsTheCanonicalBodyUnchanged() throws {
        let message = try #require(try S.decode(adapter, S.verdict()).items[0].message)
        let payload = try JusticeRecordEncoder().encode(message)
        #expect(payload.contentType == "application/json")
        let envelope = try #require(try JSONSerialization.jsonObject(with: Data(payload.body)) as? [String: Any])
        #expect(Set(envelope.keys) == ["messageId", "type", "sender", "receivedAt", "record"])
        #expect(envelope["messageId"] as? String == message.id.rawValue)
        #expect(envelope["type"] as? String == "court.verdict")
        #expect(envelope["sender"] as? String == "court-hn")
        #expect(envelope["receivedAt"] as? String == "2026-12-01T00:00:00.000Z")
        let text = String(decoding: payload.body, as: UTF8.self)
        #expect(text.contains("\"record\":" + String(decoding: message.body, as: UTF8.self) + ","))
        var other = message
        other.type = "hospital.visit"
        #expect(throws: JudicialEncodeError.unsupportedType("hospital.visit")) { try JusticeRecordEncoder().encode(other) }
    }
}
