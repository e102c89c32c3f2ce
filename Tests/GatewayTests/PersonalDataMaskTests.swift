import Foundation
@testable import Gateway
import Messages
import Testing

@Suite struct PersonalDataMaskTests {
    @Test func citizenNumbersKeepThreeDigitsEachSide() {
        #expect(PersonalDataMask.citizenID("001234567345") == "001******345")
        #expect(PersonalDataMask.citizenID("12345") == "*****")
        #expect(PersonalDataMask.businessKey(BusinessKey(kind: "citizen", value: "079123456789")).value == "079******789")
    }

    @Test func namesBecomeInitials() {
        #expect(PersonalDataMask.initials("Nguyễn Văn An") == "N.V.A.")
        #expect(PersonalDataMask.initials("  lê   thị  ") == "L.T.")
        #expect(PersonalDataMask.businessKey(BusinessKey(kind: "name", value: "Trần Bình")).value == "T.B.")
        let attributes = PersonalDataMask.attributes(["fullName": "Phạm Minh Chính", "province": "01"])
        #expect(attributes == ["fullName": "P.M.C.", "province": "01"])
    }

    @Test func onlyTwelveDigitRunsAreMaskedInText() {
        #expect(PersonalDataMask.digitRuns("CCCD 001234567345 ok") == "CCCD 001******345 ok")
        // 13 digits (a millisecond timestamp) and 11 digits are not citizen numbers.
        #expect(PersonalDataMask.digitRuns("t=1733220000123 n=12345678901") == "t=1733220000123 n=12345678901")
        #expect(PersonalDataMask.digitRuns("a001234567345b079123456789") == "a001******345b079******789")
        #expect(PersonalDataMask.businessKey(BusinessKey(kind: "ma_lk", value: "LK-001234567345")).value == "LK-001******345")
    }

    @Test func jsonStaysValidJSON() throws {
        let text = #"{"citizen":"001234567345","n":123456789012,"f":123456789012.5,"ok":true,"status":503,"e":"a\"001234567345"}"#
        let masked = PersonalDataMask.json(text)
        #expect(!masked.contains("001234567345"))
        #expect(!masked.contains("123456789012"))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(masked.utf8)) as? [String: Any])
        #expect(parsed["citizen"] as? String == "001******345")
        #expect(parsed["n"] as? String == "123******012")
        #expect(parsed["f"] as? String == "123******012.5")
        #expect(parsed["status"] as? Int == 503)
        #expect(parsed["ok"] as? Bool == true)
        #expect(parsed["e"] as? String == "a\"001******345")
        // Nothing to mask: the very same text comes back.
        #expect(PersonalDataMask.json(#"{"status":503,"latency_ms":12.5}"#) == #"{"status":503,"latency_ms":12.5}"#)
    }
}
