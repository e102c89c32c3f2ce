import CSQLite
import Foundation

/// Fills a fresh Interchange SQLite store with `messages` hospital visits as the gateway would have left them
/// after delivering each to social security and the e-health book: per visit one `messages` row (300-byte
/// body), four business keys (citizen, MA_LK, facility, card) and six log entries (`stored`, `routed`, then
/// `attempt` and `delivered` for each destination), with 64-hex hashes. Outbox rows are left out: log search
/// does not read them.
///
/// Rows are generated inside SQLite (recursive CTEs, 250,000 visits per transaction, `synchronous=OFF`) with the secondary
/// indexes dropped and rebuilt at the end, which is how a bulk load is done; it is not the gateway's write path
/// (figures 2 and 5 measure that). There is one citizen per five visits (2 million for 10 million visits), spread over
/// the 63 provinces, as ``citizen(_:citizens:)`` computes in Swift and SQL alike.
struct LogSearchFill {
    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    let path: String
    let messages: Int

    /// Distinct citizens: one per five visits.
    var citizens: Int { max(1, messages / 5) }

    // The generated values, written once for the Swift side (the bench's queries) and the SQL side (the fill).
    // Benchmarks/logsearch.lua repeats the citizen and MA_LK formats for wrk.
    private static let idFormat = "01JB%022d"
    private static let maLKFormat = "LK%014d"
    private static let citizenFormat = "0%02d%09d"
    private static let senderFormat = "hospital-%02d"
    /// Spreads visits over citizens: odd and coprime to any count of the form 2^a·5^b, so with N/5 citizens
    /// every citizen gets exactly 5 visits when N is a multiple of 5.
    private static let citizenMultiplier = 2_654_435_761

    /// The citizen ID number (12 digits, province code first) of visit `i`.
    static func citizen(_ i: Int, citizens: Int) -> String {
        let k = (i &* citizenMultiplier) % citizens
        return String(format: citizenFormat, k % 63 + 1, k)
    }

    /// The MA_LK of visit `i`.
    static func maLK(_ i: Int) -> String { String(format: maLKFormat, i) }

    init(path: String, messages: Int) {
        self.path = path
        self.messages = messages
    }

    /// How many messages a completed fill left in the file (0 if there is none, or the fill was cut short:
    /// `sqlite_stat1`, written by its last step, is missing).
    func storedMessages() throws -> Int {
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        let db = try open()
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        let sql = "SELECT max(rowid) FROM messages WHERE EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1')"
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { return 0 }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else { return 0 }
        return Int(sqlite3_column_int64(statement, 0))
    }

    /// Generates every row, then rebuilds the indexes.
    func run() throws {
        let db = try open()
        defer { sqlite3_close(db) }
        try exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576; PRAGMA temp_store=FILE")
        let indexes = try secondaryIndexes(db)
        for (name, _) in indexes { try exec(db, "DROP INDEX \(name)") }
        let began = Date()
        let chunk = 250_000
        let base: Int64 = 1_735_689_600_000  // 2025-01-01, one visit every 3 s from there
        var low = 0
        while low < messages {
            let high = min(messages, low + chunk) - 1
            try exec(db, "BEGIN")
            try exec(db, """
                INSERT INTO messages(id, type, sender, idem_key, content_hash, correlation_id, received_at, body, attributes)
                WITH RECURSIVE c(i) AS (SELECT \(low) UNION ALL SELECT i + 1 FROM c WHERE i < \(high))
                SELECT printf('\(Self.idFormat)', i), 'hospital.visit', printf('\(Self.senderFormat)', i % 50), printf('\(Self.maLKFormat)', i),
                       lower(hex(randomblob(32))), printf('01JC%022d', i), \(base) + i * 3000, randomblob(300), '{}'
                FROM c
                """)
            try exec(db, """
                INSERT INTO message_keys(message_id, kind, value)
                WITH RECURSIVE c(i) AS (SELECT \(low) UNION ALL SELECT i + 1 FROM c WHERE i < \(high)),
                     k(i, n) AS (SELECT i, (i * \(Self.citizenMultiplier)) % \(citizens) FROM c)
                SELECT printf('\(Self.idFormat)', i), kind, CASE kind
                         WHEN 'citizen' THEN printf('\(Self.citizenFormat)', n % 63 + 1, n)
                         WHEN 'ma_lk' THEN printf('\(Self.maLKFormat)', i)
                         WHEN 'facility' THEN printf('%05d', 1000 + i % 2000)
                         ELSE printf('DN4%02d%010d', n % 63 + 1, n) END
                FROM k, (SELECT 'citizen' AS kind UNION ALL SELECT 'ma_lk' UNION ALL SELECT 'facility' UNION ALL SELECT 'card')
                """)
            try exec(db, """
                INSERT INTO log(seq, node, at, message_id, destination, event, type, sender, detail, actor, prev_hash, hash)
                WITH RECURSIVE c(i) AS (SELECT \(low) UNION ALL SELECT i + 1 FROM c WHERE i < \(high)),
                     e(j, event, destination, detail) AS (VALUES
                        (0, 'stored', NULL, '{"bytes":2113,"keys":4}'),
                        (1, 'routed', NULL, '{"destinations":["bhxh","healthbook"]}'),
                        (2, 'attempt', 'bhxh', '{"attempt":1,"outcome":"delivered","status":200,"ms":41}'),
                        (3, 'delivered', 'bhxh', '{"reference":"GD2025000000001"}'),
                        (4, 'attempt', 'healthbook', '{"attempt":1,"outcome":"delivered","status":200,"ms":23}'),
                        (5, 'delivered', 'healthbook', '{}'))
                SELECT i * 6 + j + 1, 'bench', \(base) + i * 3000 + j * 200, printf('\(Self.idFormat)', i), destination, event,
                       'hospital.visit', printf('\(Self.senderFormat)', i % 50), detail, NULL,
                       lower(hex(randomblob(32))), lower(hex(randomblob(32)))
                FROM c, e ORDER BY i, j
                """)
            try exec(db, "COMMIT")
            low = high + 1
            let seconds = Date().timeIntervalSince(began)
            FileHandle.standardError.write(Data(String(format: "bench-log-search: %d of %d visits stored (%.0f s)\n",
                                                       low, messages, seconds).utf8))
        }
        for (name, sql) in indexes {
            try exec(db, sql)
            FileHandle.standardError.write(Data(String(format: "bench-log-search: index %@ rebuilt (%.0f s)\n",
                                                       name, Date().timeIntervalSince(began)).utf8))
        }
        try exec(db, "ANALYZE")
    }

    private func open() throws -> OpaquePointer? {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            defer { sqlite3_close(db) }
            throw Failure(message: "\(path): " + String(cString: sqlite3_errmsg(db)))
        }
        return db
    }

    private func exec(_ db: OpaquePointer?, _ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(db, sql, nil, nil, &message) == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? "error"
            sqlite3_free(message)
            throw Failure(message: "\(text) in: \(sql.prefix(80))")
        }
    }

    /// The schema's own secondary indexes (name, CREATE statement), to drop before the load and rebuild after.
    private func secondaryIndexes(_ db: OpaquePointer?) throws -> [(String, String)] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
                                 -1, &statement, nil) == SQLITE_OK else { throw Failure(message: "sqlite_master") }
        defer { sqlite3_finalize(statement) }
        var result: [(String, String)] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            result.append((String(cString: sqlite3_column_text(statement, 0)), String(cString: sqlite3_column_text(statement, 1))))
        }
        return result
    }
}
