import CLibPQ
import Foundation

/// One libpq connection. Not thread-safe: each connection is owned by exactly one dedicated thread (a
/// ``PGWorkerPool`` worker or the ``PostgresWriter`` thread), which is the only caller of its methods.
///
/// Statements run through `PQprepare` / `PQexecPrepared`, prepared once per connection and SQL text.
final class PGConnection {
    private var raw: OpaquePointer?
    let url: PostgresURL
    private let lockTimeout: Duration
    private var prepared: [String: String] = [:]

    /// Connects and applies the session settings.
    ///
    /// - Throws: ``StoreError/Code/unavailable`` naming the (redacted) URL.
    init(url: PostgresURL, lockTimeout: Duration, connectTimeout: Duration) throws(StoreError) {
        self.url = url
        self.lockTimeout = lockTimeout
        let seconds = max(1, connectTimeout.components.seconds)
        var keywords = ["application_name", "connect_timeout", "dbname"]
        var values = ["interchange", String(seconds), url.raw]
        if let password = url.password {
            keywords.append("password")
            values.append(password)
        }
        raw = PGConnection.connect(keywords: keywords, values: values)
        try checkConnected()
        try configure()
    }

    deinit { close() }

    private static func connect(keywords: [String], values: [String]) -> OpaquePointer? {
        let keys = keywords.map { strdup($0) }
        let vals = values.map { strdup($0) }
        defer {
            keys.forEach { free($0) }
            vals.forEach { free($0) }
        }
        let keyPointers = keys.map { UnsafePointer<CChar>($0) } + [nil]
        let valuePointers = vals.map { UnsafePointer<CChar>($0) } + [nil]
        return keyPointers.withUnsafeBufferPointer { k in
            valuePointers.withUnsafeBufferPointer { v in
                PQconnectdbParams(k.baseAddress, v.baseAddress, 1)
            }
        }
    }

    private func checkConnected() throws(StoreError) {
        guard let raw, PQstatus(raw) == CONNECTION_OK else {
            let detail = raw.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            close()
            throw StoreError(
                code: .unavailable,
                message: url.scrub(
                    "cannot connect to PostgreSQL at \(url.redacted): "
                        + detail.trimmingCharacters(in: .whitespacesAndNewlines)
                )
            )
        }
    }

    private func configure() throws(StoreError) {
        let millis = lockTimeout.components.seconds * 1000 + lockTimeout.components.attoseconds / 1_000_000_000_000_000
        try exec("SET client_min_messages = warning; SET lock_timeout = \(max(1, millis))")
    }

    /// Closes the connection; later calls fail with ``StoreError/Code/closed``.
    func close() {
        if let raw { PQfinish(raw) }
        raw = nil
        prepared = [:]
    }

    /// Whether the server connection is gone (network error, server restart).
    var isBroken: Bool {
        guard let raw else { return true }
        return PQstatus(raw) != CONNECTION_OK
    }

    /// Reconnects a broken connection (prepared statements are gone with the old session).
    func reconnectIfBroken() throws(StoreError) {
        guard let raw else { throw .closed() }
        guard PQstatus(raw) != CONNECTION_OK else { return }
        prepared = [:]
        PQreset(raw)
        guard PQstatus(raw) == CONNECTION_OK else {
            throw StoreError(
                code: .unavailable,
                message: url.scrub(
                    "lost the connection to PostgreSQL at \(url.redacted) and cannot reconnect: "
                        + String(cString: PQerrorMessage(raw)).trimmingCharacters(in: .whitespacesAndNewlines)
                )
            )
        }
        try configure()
    }

    /// Runs one or more statements without parameters (simple query protocol).
    @discardableResult
    func exec(_ sql: String) throws(StoreError) -> PGResult {
        guard let raw else { throw .closed() }
        return try check(PQexec(raw, sql), doing: sql)
    }

    /// Runs one statement with parameters `$1...$n`, preparing it on first use.
    @discardableResult
    func query(_ sql: String, _ params: [PGParam] = []) throws(StoreError) -> PGResult {
        guard let raw else { throw .closed() }
        let name: String
        if let known = prepared[sql] {
            name = known
        } else {
            name = "s\(prepared.count + 1)"
            _ = try check(PQprepare(raw, name, sql, 0, nil), doing: sql)
            prepared[sql] = name
        }
        var buffers: [UnsafeMutablePointer<CChar>?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        buffers.reserveCapacity(params.count)
        defer { buffers.forEach { free($0) } }
        for param in params {
            switch param {
            case .null:
                buffers.append(nil)
                lengths.append(0)
                formats.append(0)
            case .text(let text):
                buffers.append(strdup(text))
                lengths.append(0)
                formats.append(0)
            case .binary(let bytes):
                let buffer = malloc(max(1, bytes.count))?.assumingMemoryBound(to: CChar.self)
                if let buffer, !bytes.isEmpty {
                    bytes.withUnsafeBytes { source in
                        if let base = source.baseAddress {
                            UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: bytes.count)
                        }
                    }
                }
                buffers.append(buffer)
                lengths.append(Int32(bytes.count))
                formats.append(1)
            }
        }
        let pointers = buffers.map { $0.map { UnsafePointer<CChar>($0) } }
        let result = pointers.withUnsafeBufferPointer { values in
            PQexecPrepared(raw, name, Int32(params.count), values.baseAddress, lengths, formats, 0)
        }
        return try check(result, doing: sql)
    }

    /// Turns a failed result into a ``StoreError`` (clearing it), or wraps a good one.
    private func check(_ result: OpaquePointer?, doing sql: String) throws(StoreError) -> PGResult {
        guard let result else { throw error(nil, doing: sql) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PGResult(result)
        default:
            let error = error(result, doing: sql)
            PQclear(result)
            throw error
        }
    }

    /// Maps SQLSTATE classes to the store's codes: constraint violations are the caller's (`invalid`), lock
    /// waits and deadlocks are `locked`, data corruption is `corrupt`, everything else (connection, disk,
    /// permissions) is `unavailable`.
    private func error(_ result: OpaquePointer?, doing sql: String) -> StoreError {
        let state =
            result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) } ?? ""
        var detail = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "M"))) }.map { String(cString: $0) }
        if detail == nil, let raw { detail = String(cString: PQerrorMessage(raw)) }
        let code: StoreError.Code
        switch state {
        case _ where state.hasPrefix("23"): code = .invalid
        case "40P01", "55P03", "57014", "40001": code = .locked
        case "XX001", "XX002": code = .corrupt
        default: code = .unavailable
        }
        let statement = sql.split(separator: "\n").first.map(String.init) ?? sql
        let text = "PostgreSQL at \(url.redacted): "
            + (detail ?? "no result").trimmingCharacters(in: .whitespacesAndNewlines)
            + (state.isEmpty ? "" : " (SQLSTATE \(state))")
            + " doing \(statement.trimmingCharacters(in: .whitespaces).prefix(100))"
        return StoreError(code: code, message: url.scrub(text))
    }
}
