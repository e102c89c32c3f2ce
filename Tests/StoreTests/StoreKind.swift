import Foundation
import Testing
@testable import Store

/// The store implementations every shared store test runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    /// The PostgreSQL server for tests (`make test` starts one and sets it); `nil` skips the PostgreSQL cases.
    static let postgresURL: String? = {
        guard let url = ProcessInfo.processInfo.environment["INTERCHANGE_TEST_PG"], !url.isEmpty else { return nil }
        return url
    }()

    /// SQLite always; PostgreSQL when `INTERCHANGE_TEST_PG` names a server.
    static var available: [StoreKind] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    var testDescription: String { rawValue }
}

/// What the shared tests need beyond ``MessageStore``.
protocol TestableStore: MessageStore {
    var commitStats: CommitStats { get }
}

extension SQLiteStore: TestableStore {}
extension PostgresStore: TestableStore {}
