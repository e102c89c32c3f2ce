import CSQLite
import Foundation

/// Reads a gateway's SQLite file directly, bypassing the store, to see exactly what is on disk.
enum RawDatabase {
    /// Every value of every row of `sql`, as bytes (text and blobs alike; NULL as empty).
    static func values(_ path: String, _ sql: String) throws -> [[UInt8]] {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
            throw RawDatabaseError(message: "cannot open \(path)")
        }
        defer { sqlite3_close_v2(db) }
        sqlite3_busy_timeout(db, 2000)
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            throw RawDatabaseError(message: String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(statement) }
        var out: [[UInt8]] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            for column in 0..<sqlite3_column_count(statement) {
                let count = Int(sqlite3_column_bytes(statement, column))
                if let blob = sqlite3_column_blob(statement, column), count > 0 {
                    out.append(Array(UnsafeRawBufferPointer(start: blob, count: count)))
                } else {
                    out.append([])
                }
            }
        }
        return out
    }

    /// Whether `needle` occurs in `haystack`.
    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let bytes = Array(needle.utf8)
        guard !bytes.isEmpty, haystack.count >= bytes.count else { return false }
        for start in 0...(haystack.count - bytes.count) where haystack[start] == bytes[0] {
            if Array(haystack[start..<(start + bytes.count)]) == bytes { return true }
        }
        return false
    }
}

struct RawDatabaseError: Error { let message: String }
