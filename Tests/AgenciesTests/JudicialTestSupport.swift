import Agencies
import Foundation
import Messages
import Testing

/// Shared helpers for the judicial adapter tests: fixture paths, a pinned clock, decoding shortcuts.
enum JudicialTestSupport {
    /// `Fixtures/` at the repository root, found from this file's path.
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// 2026-12-01T00:00:00Z: fixtures are dated before it, "future" ones after.
    static let now = Date(timeIntervalSince1970: 1_796_083_200)

    /// A sender context.
    static func sender(_ agency: String = "court-hn", kind: String = "court") -> SenderContext {
        SenderContext(agency: agency, kind: kind, correlationId: "corr-test")
    }

    /// A fixture file's bytes.
    static func bytes(_ folder: String, _ file: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixtures.appendingPathComponent(folder).appendingPathComponent(file)))
    }

    /// JSON bytes of a test value.
    static func json(_ value: Any) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]))
    }

    /// Decodes one JSON value with an adapter.
    static func decode(_ adapter: some InboundAdapter, _ value: Any, sender: SenderContext = sender()) throws -> DecodeResult {
        try adapter.decode(json(value), contentType: "application/json", sender: sender)
    }

    /// `field:code` of every problem of the first item.
    static func problems(_ result: DecodeResult, item: Int = 0) -> Set<String> {
        Set(result.items[item].problems.map { "\($0.field):\($0.code)" })
    }

    /// The body of a valid first item as a JSON object.
    static func body(_ result: DecodeResult) throws -> [String: Any] {
        let message = try #require(result.items.first?.message)
        return try #require(try JSONSerialization.jsonObject(with: Data(message.body)) as? [String: Any])
    }

    /// The population fixture by ID number.
    static func population() throws -> [String: PopulationRecord] {
        let records = try PopulationRecord.decodeFile(bytes("population", "citizens.json"))
        return Dictionary(uniqueKeysWithValues: records.map { ($0.citizenId, $0) })
    }

    /// A valid first-instance judgment (Hà Nội court, person living in Huế), as a JSON object.
    static func verdict() -> [String: Any] {
        [
            "kind": "judgment", "number": "15/2025/HSST", "date": "2025-03-10", "effectiveDate": "2025-03-25",
            "court": ["code": "TAND-HN-BD", "name": "Tòa án nhân dân quận Ba Đình", "province": "01"],
            "person": [
                "citizenId": "046085004521", "fullName": "Trần Văn Hùng", "dateOfBirth": "1985-07-21", "sex": "male",
                "residenceProvince": "46",
            ],
            "charges": [["name": "Trộm cắp tài sản", "article": 173, "clause": 1]],
            "mainPenalty": ["type": "imprisonment", "months": 18],
            "courtFeeVnd": 200_000, "executionStatus": "serving",
        ]
    }
}
