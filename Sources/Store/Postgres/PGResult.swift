import CLibPQ
import Foundation

/// A query's rows in text format. Owned by the thread that ran the query; cleared on deinit.
/// Rows and columns are 0-based.
final class PGResult {
    private let raw: OpaquePointer

    init(_ raw: OpaquePointer) { self.raw = raw }

    deinit { PQclear(raw) }

    var rows: Int { Int(PQntuples(raw)) }

    /// Rows changed by an `INSERT` / `UPDATE` / `DELETE` without `RETURNING`.
    var affected: Int { Int(String(cString: PQcmdTuples(raw))) ?? 0 }

    func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(raw, Int32(row), Int32(column)) == 1 }

    func text(_ row: Int, _ column: Int) -> String {
        String(cString: PQgetvalue(raw, Int32(row), Int32(column)))
    }

    func optionalText(_ row: Int, _ column: Int) -> String? {
        isNull(row, column) ? nil : text(row, column)
    }

    func int64(_ row: Int, _ column: Int) -> Int64 {
        guard let value = PQgetvalue(raw, Int32(row), Int32(column)) else { return 0 }
        return strtoll(value, nil, 10)
    }

    func int(_ row: Int, _ column: Int) -> Int { Int(int64(row, column)) }

    func optionalInt(_ row: Int, _ column: Int) -> Int? { isNull(row, column) ? nil : int(row, column) }

    func optionalInt64(_ row: Int, _ column: Int) -> Int64? { isNull(row, column) ? nil : int64(row, column) }

    func date(_ row: Int, _ column: Int) -> Date { PGParam.date(int64(row, column)) }

    func optionalDate(_ row: Int, _ column: Int) -> Date? { isNull(row, column) ? nil : date(row, column) }

    /// A `bytea` column: the text format is `\x` followed by hex digits.
    func bytes(_ row: Int, _ column: Int) -> [UInt8] {
        guard !isNull(row, column), let value = PQgetvalue(raw, Int32(row), Int32(column)) else { return [] }
        let length = Int(PQgetlength(raw, Int32(row), Int32(column)))
        guard length >= 2 else { return [] }
        return value.withMemoryRebound(to: UInt8.self, capacity: length) { text in
            var out = [UInt8]()
            out.reserveCapacity((length - 2) / 2)
            var index = 2
            while index + 1 < length {
                out.append(PGResult.nibble(text[index]) << 4 | PGResult.nibble(text[index + 1]))
                index += 2
            }
            return out
        }
    }

    private static func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: 0
        }
    }
}
