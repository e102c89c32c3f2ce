import Foundation
import Messages
@testable import Store

/// A fresh directory under the system temp dir, removed by ``remove()``.
struct TempDir {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String = "interchange.db") -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Opens an SQLite store in a temp dir, runs `body`, closes and removes everything (SQLite-only tests).
func withStore<R>(
    options: SQLiteStore.Options = SQLiteStore.Options(),
    _ body: (SQLiteStore, String) async throws -> R
) async throws -> R {
    let dir = try TempDir()
    defer { dir.remove() }
    let store = try SQLiteStore(path: dir.path(), options: options)
    defer { store.close() }
    return try await body(store, dir.path())
}

/// Opens a store of `kind` on a fresh database, runs `body`, closes the store and drops the database.
func withStore<R>(
    _ kind: StoreKind,
    _ body: (any TestableStore, TestDatabase) async throws -> R
) async throws -> R {
    let database = try TestDatabase(kind)
    defer { database.remove() }
    let store = try database.open()
    defer { store.close() }
    return try await body(store, database)
}

let t0 = Date(timeIntervalSince1970: 1_780_000_000)

/// A visit-like message: `key` is the idempotency key, `content` changes the body (and hash).
func makeMessage(
    key: String,
    sender: String = "hospital-01013",
    content: String = "same",
    citizen: String? = "001099012345",
    receivedAt: Date = t0,
    bodySize: Int = 0
) -> CanonicalMessage {
    var body = Array("{\"MA_LK\":\"\(key)\",\"content\":\"\(content)\"}".utf8)
    if bodySize > body.count { body += [UInt8](repeating: UInt8(ascii: "x"), count: bodySize - body.count) }
    var keys = [BusinessKey(kind: "ma_lk", value: key)]
    if let citizen { keys.append(BusinessKey(kind: "citizen", value: citizen)) }
    return CanonicalMessage(
        type: "hospital.visit",
        sender: sender,
        idempotencyKey: key,
        businessKeys: keys,
        receivedAt: receivedAt,
        correlationId: "corr-\(key)",
        body: body,
        attributes: ["province": "01"]
    )
}

/// An admission to the e-health book and BHXH with the usual events.
func makeAdmission(_ message: CanonicalMessage, destinations: [OutboxTarget]? = nil) -> Admission {
    Admission(
        message: message,
        destinations: destinations ?? [OutboxTarget(destination: "ehealth"), OutboxTarget(destination: "bhxh")],
        events: [
            LogEvent(at: message.receivedAt, event: "received", detail: "{}"),
            LogEvent(at: message.receivedAt, event: "stored", detail: "{}"),
        ]
    )
}

/// A raw connection for tampering with the file behind the store's back.
func rawConnection(_ path: String) throws -> SQLiteConnection {
    try SQLiteConnection(path: path, readOnly: false, busyTimeout: .seconds(5))
}
