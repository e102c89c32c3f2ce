import CSQLite
import Foundation

/// One SQLite connection opened `NOMUTEX`, with its cache of persistent prepared statements.
///
/// `@unchecked Sendable` only so it can be handed between threads: it is used by one thread at a time — the
/// writer thread for the write connection, or the reader that checked it out of ``SQLiteReaderPool``.
final class SQLiteConnection: @unchecked Sendable {
    let handle: OpaquePointer
    let path: String
    private var statements: [String: SQLiteStatement] = [:]
    private var isClosed = false

    /// Opens `path`; SQLite itself touches the file only on the first statement, so callers run one at once.
    init(path: String, readOnly: Bool, busyTimeout: Duration) throws(StoreError) {
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let text = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteConnection.error(rc, text, path: path, doing: "open")
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        let millis = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(db, Int32(clamping: millis))
    }

    deinit { close() }

    /// Finalizes the cached statements and closes the connection (releasing its file locks). Idempotent.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        statements.removeAll()  // finalize before closing
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows of interest.
    func exec(_ sql: String) throws(StoreError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteConnection.error(rc, text, path: path, doing: sql)
        }
    }

    /// The cached persistent statement for `sql`, reset and with bindings cleared.
    func statement(_ sql: String) throws(StoreError) -> SQLiteStatement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard rc == SQLITE_OK, let raw else { throw error(rc, doing: sql) }
        let statement = SQLiteStatement(raw, connection: self)
        statements[sql] = statement
        return statement
    }

    /// Runs a statement that returns one integer (a pragma, a count).
    func integer(_ sql: String) throws(StoreError) -> Int64? {
        let statement = try statement(sql)
        defer { statement.reset() }
        return try statement.step() ? statement.int64(0) : nil
    }

    /// Rows changed by the last INSERT / UPDATE / DELETE.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// Whether no transaction is open (SQLite rolls back by itself after some I/O errors).
    var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// The error for a failed call on this connection.
    func error(_ rc: Int32, doing: String, file: String = #fileID, line: Int = #line) -> StoreError {
        SQLiteConnection.error(rc, String(cString: sqlite3_errmsg(handle)), path: path, doing: doing, file: file, line: line)
    }

    /// Maps a SQLite result code to a ``StoreError`` that names the file.
    static func error(
        _ rc: Int32,
        _ text: String,
        path: String,
        doing: String,
        file: String = #fileID,
        line: Int = #line
    ) -> StoreError {
        let code: StoreError.Code
        let message: String
        switch rc & 0xff {
        case SQLITE_NOTADB:
            code = .corrupt
            message = "\(path) is not an SQLite database (\(text)); refusing to touch it"
        case SQLITE_CORRUPT:
            code = .corrupt
            message = "\(path) is corrupt (\(text))"
        case SQLITE_BUSY, SQLITE_LOCKED:
            code = .locked
            message = "\(path) is locked by another connection or process (\(text))"
        case SQLITE_CONSTRAINT, SQLITE_MISMATCH, SQLITE_RANGE, SQLITE_TOOBIG:
            code = .invalid
            message = "\(path): \(text)"
        default:
            code = .unavailable
            message = "\(path) cannot be used: \(text)"
        }
        let context = doing.count > 80 ? String(doing.prefix(80)) + "…" : doing
        return StoreError(
            code: code,
            message: "\(message) [while: \(context)]",
            path: path,
            sqliteCode: rc,
            file: file,
            line: line
        )
    }
}
