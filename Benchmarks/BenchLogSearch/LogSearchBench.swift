import CSQLite
import Foundation
import Messages
import Store

/// Figure 6 of `make bench`: routing-log search by citizen ID number and by MA_LK on a store holding millions
/// of visits (issue 6 asks for ≤ 10 ms at p99 with 10 million messages).
///
/// `bench-log-search --db PATH [--messages N] [--queries Q]`: if the file does not hold N messages yet, it is
/// created through ``SQLiteStore`` (so the schema is the gateway's) and filled by ``LogSearchFill``; a filled
/// file is reused by later runs. Then Q random searches of each kind run one after another through
/// ``SQLiteStore/searchLog(_:after:limit:)``, the query the operator API and `interchange log` run, newest page
/// of 50 first. The baseline, in the same run, is a bare indexed lookup of the same values in `message_keys`.
/// Prints `RESULT` lines: `kind=… n=… p50_ms=… p99_ms=… max_ms=… rows_mean=…`.
enum LogSearchBench {
    /// Runs the benchmark; returns the exit status.
    static func main(_ arguments: [String]) async -> Int32 {
        var path = ""
        var messages = 10_000_000
        var queries = 2_000
        var index = 0
        while index < arguments.count {
            let value = index + 1 < arguments.count ? arguments[index + 1] : ""
            switch arguments[index] {
            case "--db": path = value
            case "--messages": messages = Int(value) ?? -1
            case "--queries": queries = Int(value) ?? -1
            default:
                return usage()
            }
            index += 2
        }
        guard !path.isEmpty, messages > 0, queries > 0 else { return usage() }
        do {
            let fill = LogSearchFill(path: path, messages: messages)
            if try fill.storedMessages() < messages {
                try? FileManager.default.removeItem(atPath: path)
                try? FileManager.default.removeItem(atPath: path + "-wal")
                try? FileManager.default.removeItem(atPath: path + "-shm")
                try SQLiteStore(path: path, node: "bench").close()
                try fill.run()
            }
            let store = try SQLiteStore(path: path, node: "bench")
            defer { store.close() }
            var generator = SystemRandomNumberGenerator()
            let citizens = (0..<queries).map { _ in LogSearchFill.citizen(Int.random(in: 0..<messages, using: &generator), citizens: fill.citizens) }
            let maLKs = (0..<queries).map { _ in LogSearchFill.maLK(Int.random(in: 0..<messages, using: &generator)) }
            // Warm the page cache the way a running gateway would be warm, without counting it.
            for value in citizens.prefix(200) { _ = try await store.searchLog(LogFilter(citizen: value), after: nil, limit: 50) }
            try await report("citizen", citizens) { try await store.searchLog(LogFilter(citizen: $0), after: nil, limit: 50).entries.count }
            try await report("ma_lk", maLKs) { try await store.searchLog(LogFilter(key: $0), after: nil, limit: 50).entries.count }
            let lookup = try KeyLookup(path: path)
            try await report("baseline-key-lookup", citizens) { try lookup.count($0) }
            return 0
        } catch {
            FileHandle.standardError.write(Data("bench-log-search: \(error)\n".utf8))
            return 1
        }
    }

    private static func usage() -> Int32 {
        FileHandle.standardError.write(Data("usage: bench-log-search --db PATH [--messages N] [--queries Q]\n".utf8))
        return 2
    }

    /// Times `query` on every value, one after another, and prints the percentiles.
    private static func report(_ kind: String, _ values: [String], _ query: (String) async throws -> Int) async throws {
        var latencies: [Double] = []
        latencies.reserveCapacity(values.count)
        var rows = 0
        let clock = ContinuousClock()
        for value in values {
            let began = clock.now
            rows += try await query(value)
            let elapsed = began.duration(to: clock.now)
            latencies.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
        }
        latencies.sort()
        func percentile(_ p: Double) -> String {
            String(format: "%.3f", latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))])
        }
        let mean = String(format: "%.1f", Double(rows) / Double(values.count))
        print("RESULT kind=\(kind) n=\(values.count) p50_ms=\(percentile(0.5)) p99_ms=\(percentile(0.99)) "
            + "max_ms=\(percentile(1)) rows_mean=\(mean)")
    }
}

/// The baseline: `SELECT count(*) FROM message_keys WHERE value = ?` on the same file, through SQLite's C API.
private final class KeyLookup {
    private var db: OpaquePointer?
    private var statement: OpaquePointer?

    init(path: String) throws {
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK,
              sqlite3_prepare_v2(db, "SELECT count(*) FROM message_keys WHERE value = ?1", -1, &statement, nil) == SQLITE_OK
        else { throw LogSearchFill.Failure(message: "baseline: " + String(cString: sqlite3_errmsg(db))) }
    }

    deinit {
        sqlite3_finalize(statement)
        sqlite3_close(db)
    }

    func count(_ value: String) throws -> Int {
        sqlite3_reset(statement)
        sqlite3_bind_text(statement, 1, value, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        guard sqlite3_step(statement) == SQLITE_ROW else { throw LogSearchFill.Failure(message: "baseline step") }
        return Int(sqlite3_column_int64(statement, 0))
    }
}
