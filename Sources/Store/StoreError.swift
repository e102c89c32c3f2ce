/// Why a store operation failed. The gateway answers 503 for ``Code/unavailable``, ``Code/locked`` and
/// ``Code/closed`` (nothing was accepted); the other codes are operator problems to fix before starting.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare with the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String
        /// The database cannot be opened, read or written (I/O error, disk full, permissions, missing directory).
        public static let unavailable = Code(raw: "unavailable")
        /// The file is not a database, or its content fails SQLite's integrity checks.
        public static let corrupt = Code(raw: "corrupt")
        /// Another connection or process holds the lock longer than the busy timeout.
        public static let locked = Code(raw: "locked")
        /// The database was written by a newer Interchange; this code refuses to touch it.
        public static let schemaTooNew = Code(raw: "schema_too_new")
        /// The store was closed; nothing more can be written.
        public static let closed = Code(raw: "closed")
        /// The caller asked for something the store cannot do (e.g. the same destination twice in one admission).
        public static let invalid = Code(raw: "invalid")
        /// The message's body was removed by retention: it can no longer be delivered or replayed.
        public static let bodyPruned = Code(raw: "body_pruned")
        /// The stable machine-readable name, e.g. `schema_too_new`.
        public var description: String { raw }
    }

    /// What kind of failure this is.
    public internal(set) var code: Code
    /// A sentence for operators, naming the file where there is one.
    public internal(set) var message: String
    /// The database file concerned, if any.
    public internal(set) var path: String?
    /// The SQLite result code (extended), if SQLite reported the failure.
    public internal(set) var sqliteCode: Int32?
    /// The error this one wraps, if any.
    public internal(set) var underlying: (any Error & Sendable)?
    /// Where in the store's source the error was raised (`file:line`).
    public internal(set) var location: String

    init(
        code: Code,
        message: String,
        path: String? = nil,
        sqliteCode: Int32? = nil,
        underlying: (any Error & Sendable)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.sqliteCode = sqliteCode
        self.underlying = underlying
        self.location = "\(file):\(line)"
    }

    /// `StoreError.<code>: <message> (sqlite <rc>) [<location>]`.
    public var description: String {
        var text = "StoreError.\(code): \(message)"
        if let sqliteCode { text += " (sqlite \(sqliteCode))" }
        if let underlying { text += " caused by \(underlying)" }
        return text + " [\(location)]"
    }

    // MARK: - Internal factory methods

    static func closed(file: String = #fileID, line: Int = #line) -> Self {
        Self(code: .closed, message: "the store is closed", file: file, line: line)
    }

    static func bodyPruned(_ id: String, file: String = #fileID, line: Int = #line) -> Self {
        Self(code: .bodyPruned, message: "message \(id): body pruned by retention; it cannot be replayed",
             file: file, line: line)
    }

    static func invalid(_ message: String, file: String = #fileID, line: Int = #line) -> Self {
        Self(code: .invalid, message: message, file: file, line: line)
    }
}
