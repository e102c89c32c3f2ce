import Dispatch
import Foundation
import Gateway
import Store
import Synchronization

/// Helpers for the commands that work on the store directly (`log`, `show`, `replay`).
extension CLI {
    /// Opens the configured store next to running gateways: the SQLite file (WAL: readers and a second writer
    /// are fine) or the PostgreSQL database the cluster shares (commands see every node's messages and log).
    ///
    /// Refuses to create an SQLite store that does not exist: a typo in `--config` should not leave an empty
    /// database.
    static func openStore(_ config: GatewayConfig) -> (any MessageStore)? {
        switch config.store {
        case .sqlite(let path):
            guard FileManager.default.fileExists(atPath: path) else {
                printErr("no store at \(path): has the gateway run with this configuration?\n")
                return nil
            }
            do {
                return try SQLiteStore(path: path, node: config.node, options: SQLiteStore.Options(readers: 1))
            } catch {
                printErr("cannot open the store: \(error)\n")
                return nil
            }
        case .postgres(let url):
            do {
                // Entries the CLI writes (`replayed`, `viewed`) join this node's chain: every writer re-reads its
                // node's head under the log lock whenever another writer appended, so sharing a name is safe.
                return try PostgresStore(url: url, node: config.node, options: PostgresStore.Options(readers: 1))
            } catch {
                // StoreError messages carry the URL with its password masked.
                printErr("cannot open the store: \(error)\n")
                return nil
            }
        }
    }

    /// Runs async store work to completion from synchronous command code and returns its result.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let result: Result<T, any Error>
            do {
                result = .success(try await body())
            } catch {
                result = .failure(error)
            }
            box.result.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        guard let result = box.result.withLock({ $0 }) else { preconditionFailure("invariant: set before signal") }
        return try result.get()
    }

    /// Who a command acts as in the routing log: `cli:` and the login name.
    static var cliActor: String {
        let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"]
        return "cli:" + (user ?? "uid\(getuid())")
    }

    /// Parses `--since` / `--until`.
    ///
    /// - Throws: ``UsageError`` naming the option when the value is no time.
    static func timeOption(_ arguments: ParsedArguments, _ name: String, spec: CommandSpec) throws(UsageError) -> Date? {
        guard let text = arguments.value(name) else { return nil }
        guard let date = TimeArgument.parse(text) else {
            throw UsageError("\(name): '\(text)' is not an ISO 8601 time, a date or a duration like 15m, 2h, 7d",
                             command: spec.commandLine)
        }
        return date
    }

    /// Left-aligned columns separated by two spaces; the last column is not padded.
    static func textTable(_ rows: [[String]]) -> String {
        guard let columns = rows.first?.count else { return "" }
        let widths = (0..<columns).map { column in rows.map { $0.count > column ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == columns - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[column] - cell.count))
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    /// `text` cut to `limit` characters with an ellipsis.
    static func short(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// A UTC time with milliseconds, e.g. `2026-12-03 10:00:00.123`.
    static func timeText(_ date: Date) -> String {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC") ?? .gmt)
        return date.formatted(style).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
    }
}

/// Carries a detached task's result back to the blocked caller; the `Mutex` makes it safe across threads.
final class ResultBox<T: Sendable>: Sendable {
    let result = Mutex<Result<T, any Error>?>(nil)
}
