import CSQLite
import Foundation

/// A prepared statement owned by one ``SQLiteConnection`` (same thread rule). Parameters are 1-based,
/// columns 0-based, as in SQLite.
final class SQLiteStatement {
    private let raw: OpaquePointer
    private unowned let connection: SQLiteConnection

    init(_ raw: OpaquePointer, connection: SQLiteConnection) {
        self.raw = raw
        self.connection = connection
    }

    deinit { sqlite3_finalize(raw) }

    /// Resets for the next execution and clears bindings.
    func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
    }

    /// Advances: `true` when a row is available, `false` when done.
    func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(raw)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = connection.error(rc, doing: sqlText)
            sqlite3_reset(raw)
            throw error
        }
    }

    /// Steps to completion, discarding rows.
    func run() throws(StoreError) {
        while try step() {}
        sqlite3_reset(raw)
    }

    private var sqlText: String { sqlite3_sql(raw).map { String(cString: $0) } ?? "?" }

    // MARK: Binding

    func bind(_ index: Int32, _ value: String?) {
        guard let value else { return bindNull(index) }
        sqlite3_bind_text(raw, index, value, -1, csqlite_transient())
    }

    func bind(_ index: Int32, _ value: Int64?) {
        guard let value else { return bindNull(index) }
        sqlite3_bind_int64(raw, index, value)
    }

    func bind(_ index: Int32, _ value: Int?) {
        bind(index, value.map { Int64($0) })
    }

    func bind(_ index: Int32, _ value: Date?) {
        bind(index, value.map(SQLiteStatement.millis))
    }

    func bind(_ index: Int32, blob: [UInt8]) {
        if blob.isEmpty {
            sqlite3_bind_zeroblob(raw, index, 0)
            return
        }
        blob.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(raw, index, bytes.baseAddress, Int32(bytes.count), csqlite_transient())
        }
    }

    func bindNull(_ index: Int32) {
        sqlite3_bind_null(raw, index)
    }

    // MARK: Columns

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(raw, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(raw, column) }

    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(raw, column)) }

    func optionalInt(_ column: Int32) -> Int? { isNull(column) ? nil : int(column) }

    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(raw, column) else { return "" }
        let count = Int(sqlite3_column_bytes(raw, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(raw, column))
        guard count > 0, let pointer = sqlite3_column_blob(raw, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    func date(_ column: Int32) -> Date { SQLiteStatement.date(int64(column)) }

    func optionalDate(_ column: Int32) -> Date? { isNull(column) ? nil : date(column) }

    // MARK: Time

    /// Times are stored as integer milliseconds since 1970 (UTC).
    static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }
}
