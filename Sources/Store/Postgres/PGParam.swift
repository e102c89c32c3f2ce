import Foundation

/// One statement parameter, sent in text format except for `bytea` values, which go in binary.
enum PGParam {
    case null
    case text(String)
    case binary([UInt8])

    static func string(_ value: String?) -> PGParam { value.map(PGParam.text) ?? .null }

    static func int(_ value: Int64?) -> PGParam { value.map { .text(String($0)) } ?? .null }

    static func int(_ value: Int?) -> PGParam { value.map { .text(String($0)) } ?? .null }

    /// Times are stored as integer milliseconds since 1970, exactly like the SQLite store.
    static func millis(_ value: Date?) -> PGParam { value.map { .text(String(PGParam.millis($0))) } ?? .null }

    /// A `text[]` literal (`{"a",NULL,"b"}`), for `unnest` of many rows in one statement.
    static func textArray(_ values: [String?]) -> PGParam {
        var out = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { out += "," }
            guard let value else {
                out += "NULL"
                continue
            }
            out += "\""
            for scalar in value.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { out += "\\" }
                out.unicodeScalars.append(scalar)
            }
            out += "\""
        }
        return .text(out + "}")
    }

    /// A `bigint[]` literal.
    static func intArray(_ values: [Int64?]) -> PGParam {
        .text("{" + values.map { $0.map { String($0) } ?? "NULL" }.joined(separator: ",") + "}")
    }

    static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }
}
