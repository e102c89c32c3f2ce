import Foundation
@testable import Store

/// A fresh, empty database of one kind: an SQLite file in a temp dir, or a PostgreSQL database
/// `t_<uuid>` created on the test server (so tests run in parallel) and dropped by ``remove()``.
final class TestDatabase: Sendable {
    let kind: StoreKind
    /// The SQLite file path, or the PostgreSQL URL of the test database.
    let location: String
    private let dir: TempDir?
    private let name: String?

    init(_ kind: StoreKind) throws {
        self.kind = kind
        switch kind {
        case .sqlite:
            let dir = try TempDir()
            self.dir = dir
            location = dir.path()
            name = nil
        case .postgres:
            let server = try TestDatabase.serverURL()
            let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let maintenance = try TestDatabase.connect(server)
            defer { maintenance.close() }
            try maintenance.exec("CREATE DATABASE \(name)")
            guard var components = URLComponents(string: server) else { throw TestSetupError("bad URL \(server)") }
            components.path = "/" + name
            guard let url = components.string else { throw TestSetupError("bad URL \(server)") }
            location = url
            self.name = name
            dir = nil
        }
    }

    /// Opens a store on this database.
    func open(node: String = "local") throws -> any TestableStore {
        switch kind {
        case .sqlite: try SQLiteStore(path: location, node: node)
        case .postgres: try PostgresStore(url: location, node: node)
        }
    }

    /// Runs SQL behind the store's back (tampering, forcing old or foreign schemas).
    func execute(_ sql: String) throws {
        switch kind {
        case .sqlite:
            let raw = try SQLiteConnection(path: location, readOnly: false, busyTimeout: .seconds(5))
            defer { raw.close() }
            try raw.exec(sql)
        case .postgres:
            let raw = try TestDatabase.connect(location)
            defer { raw.close() }
            try raw.exec(sql)
        }
    }

    /// The first column of the first row of `sql`, as an integer, read behind the store's back.
    func count(_ sql: String) throws -> Int {
        switch kind {
        case .sqlite:
            let raw = try SQLiteConnection(path: location, readOnly: true, busyTimeout: .seconds(5))
            defer { raw.close() }
            return Int(try raw.integer(sql) ?? 0)
        case .postgres:
            let raw = try TestDatabase.connect(location)
            defer { raw.close() }
            return try raw.exec(sql).int(0, 0)
        }
    }

    /// Removes the file or drops the database (closing whatever connections are left).
    func remove() {
        dir?.remove()
        if let name, let server = try? TestDatabase.serverURL(), let maintenance = try? TestDatabase.connect(server) {
            _ = try? maintenance.exec("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            maintenance.close()
        }
    }

    static func serverURL() throws -> String {
        guard let url = StoreKind.postgresURL else {
            throw TestSetupError("INTERCHANGE_TEST_PG is not set: no PostgreSQL server for the postgres cases")
        }
        return url
    }

    static func connect(_ url: String) throws -> PGConnection {
        try PGConnection(url: PostgresURL(url), lockTimeout: .seconds(5), connectTimeout: .seconds(5))
    }
}

/// A test could not set up what it needs.
struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
