import Agencies
import Foundation
import Messages
import Testing

@Suite struct ProcuracyTests {
    let adapter = ProcuracyRecordAdapter(now: { JudicialTestSupport.now })
    typealias S = JudicialTestSupport

    private func record() -> [String: Any] {
        [
            "office": ["code": "VKSNDTC-V13", "name": "Vụ 13, VKSND tối cao"],
            "recordNumber": "TTTP-2025-0042", "receivedDate": "2025-08-20", "foreignCountry": "KR",
            "foreignCourt": "Seoul Central District Court", "foreignJudgmentNumber": "2024Go-Dan-1234",
            "judgmentDate": "2024-11-15",
            "person": ["citizenId": "048078001122", "fullName": "Võ Thanh Sơn", "dateOfBirth": "1978-05-09", "sex": "male"],
            "charges": [["name": "Fraud"]],
            "penalty": ["type": "imprisonment", "months": 24],
        ]
    }

    private func decode(_ change: (inout [String: Any]) -> Void) throws -> DecodeResult {
        var value = record()
        change(&value)
        return try S.decode(adapter, value, sender: S.sender("vksndtc", kind: "procuracy"))
    }

    @Test func anOfficeBoundToACodeMaySendOnlyItsOwnRecords() throws {
        func sender(_ code: String?) -> SenderContext {
            SenderContext(agency: "vksndtc", kind: "procuracy", code: code, correlationId: "corr-test")
        }
        let own = try S.decode(adapter, record(), sender: sender("VKSNDTC-V13"))
        #expect(own.items[0].message != nil)
        let other = try S.decode(adapter, record(), sender: sender("VKSND-HN"))
        #expect(other.items[0].message == nil)
        #expect(S.problems(other) == ["office.code:office_mismatch"])
        // An office without a code in config is not bound to one.
        #expect(try S.decode(adapter, record(), sender: sender(nil)).items[0].message != nil)
    }

    @Test func validRecordWithoutResidence() throws {
        let result = try decode { _ in }
        let message = try #require(result.items[0].message)
        #expect(message.type == "procuracy.record")
        #expect(message.idempotencyKey == "VKSNDTC-V13:TTTP-2025-0042")
        #expect(Set(message.businessKeys.map(\.kind)) == ["citizen", "record", "judgment"])
        #expect(message.attributes["residenceProvince"] == nil)
        #expect(message.attributes["foreignCountry"] == "KR")
        #expect(message.attributes["citizen"] == "048078001122")
        let body = try S.body(result)
        #expect((body["person"] as? [String: Any])?["residenceProvince"] == nil)
        #expect((body["charges"] as? [[String: Any]])?.first?["article"] == nil)
    }

    @Test func residenceWhenKnownBecomesAnAttribute() throws {
        let result = try decode { value in
            var person = value["person"] as! [String: Any]
            person["residenceProvince"] = "48"
            value["person"] = person
        }
        #expect(result.items[0].message?.attributes["residenceProvince"] == "48")
    }

    @Test func countryMustBeForeignAndISO() throws {
        #expect(S.problems(try decode { $0["foreignCountry"] = "VN" }) == ["foreignCountry:code_list"])
        #expect(S.problems(try decode { $0["foreignCountry"] = "kr" }) == ["foreignCountry:format"])
        #expect(S.problems(try decode { $0["foreignCountry"] = "KOR" }) == ["foreignCountry:format"])
        #expect(try decode { $0["foreignCountry"] = "TW" }.items[0].problems == [])
    }

    @Test func datesAndRequiredFields() throws {
        #expect(S.problems(try decode { $0["receivedDate"] = "2024-11-14" }) == ["receivedDate:date_order"])
        #expect(S.problems(try decode { $0["judgmentDate"] = "2027-01-01"; $0["receivedDate"] = "2027-01-02" })
            == ["judgmentDate:future", "receivedDate:future"])
        let missing = try decode {
            $0["penalty"] = nil
            $0["charges"] = nil
            $0["office"] = ["name": "Vụ 13"]
            $0["foreignCourt"] = ""
        }
        #expect(S.problems(missing) == ["penalty:required", "charges:required", "office.code:required", "foreignCourt:required"])
        #expect(missing.items[0].key == nil)
    }

    @Test func articleIsOptionalButStillRangeChecked() throws {
        #expect(S.problems(try decode { $0["charges"] = [["name": "Fraud", "article": 0]] }) == ["charges[0].article:range"])
        #expect(try decode { $0["charges"] = [["name": "Fraud", "article": 174]] }.items[0].problems == [])
    }

    @Test func encoderSendsTheRecordToTheNationalCentre() throws {
        let message = try #require(try decode { _ in }.items[0].message)
        let payload = try JusticeRecordEncoder().encode(message)
        let envelope = try #require(try JSONSerialization.jsonObject(with: Data(payload.body)) as? [String: Any])
        #expect(envelope["type"] as? String == "procuracy.record")
        #expect((envelope["record"] as? [String: Any])?["recordNumber"] as? String == "TTTP-2025-0042")
    }
}
