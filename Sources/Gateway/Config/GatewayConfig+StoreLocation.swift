import Foundation
import Store

extension GatewayConfig {
    /// Where messages, deliveries and the routing log are kept.
    public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
        /// An embedded SQLite database file (absolute path).
        case sqlite(path: String)
        /// A PostgreSQL connection URL (`postgres://user@host:5432/db`), shared by several gateway nodes.
        case postgres(url: String)

        /// `sqlite:PATH`, or the PostgreSQL URL with any password masked (this text reaches logs).
        public var description: String {
            switch self {
            case .sqlite(let path): "sqlite:\(path)"
            case .postgres(let url): PostgresStore.redacted(url)
            }
        }

        static func read(_ value: String, at path: String, files: FileChecker) -> StoreLocation? {
            if value.hasPrefix("sqlite:") {
                let file = String(value.dropFirst("sqlite:".count))
                guard !file.isEmpty else {
                    files.problems.add(path, "format", "sqlite: needs a file path, e.g. sqlite:data/interchange.db")
                    return nil
                }
                return .sqlite(path: files.resolve(file))
            }
            if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
                guard URLComponents(string: value) != nil else {
                    files.problems.add(path, "format", "not a valid postgres:// URL")
                    return nil
                }
                return .postgres(url: value)
            }
            files.problems.add(path, "format", "must be sqlite:PATH or a postgres:// URL, found \"\(value)\"")
            return nil
        }
    }
}
