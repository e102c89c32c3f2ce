import Foundation

/// A `postgres://user@host:port/db?sslmode=...` connection URL, with its password kept out of every text the
/// store prints.
///
/// The password comes from `INTERCHANGE_PG_PASSWORD`, else from the file named by
/// `INTERCHANGE_PG_PASSWORD_FILE`, else from the URL itself (discouraged: config files get shared).
struct PostgresURL: Sendable, CustomStringConvertible {
    /// The URL as configured, password included: handed only to libpq.
    let raw: String
    /// The URL with any password replaced by `***`: for messages and logs.
    let redacted: String
    /// The password to send, if any (overrides the URL's).
    let password: String?

    init(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(StoreError) {
        raw = url
        redacted = PostgresURL.redact(url)
        // The host may be empty (`postgresql:///db?host=/run/postgresql`, a Unix socket): libpq decides.
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://"),
            let components = URLComponents(string: url)
        else {
            throw StoreError(
                code: .unavailable,
                message: "\(redacted) is not a postgres://user@host:port/database URL"
            )
        }
        if let password = environment["INTERCHANGE_PG_PASSWORD"], !password.isEmpty {
            self.password = password
        } else if let file = environment["INTERCHANGE_PG_PASSWORD_FILE"], !file.isEmpty {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw StoreError(
                    code: .unavailable,
                    message: "cannot read the PostgreSQL password file \(file) (INTERCHANGE_PG_PASSWORD_FILE)",
                    path: file
                )
            }
            var text = String(decoding: data, as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            password = text
        } else {
            password = components.password.flatMap { $0.removingPercentEncoding ?? $0 }
        }
    }

    var description: String { redacted }

    /// Removes every occurrence of the password (and the URL's userinfo password) from `text`.
    func scrub(_ text: String) -> String {
        var text = text
        if let password, !password.isEmpty { text = text.replacingOccurrences(of: password, with: "***") }
        if raw != redacted { text = text.replacingOccurrences(of: raw, with: redacted) }
        return text
    }

    /// `scheme://user:secret@host/...` → `scheme://user:***@host/...`; also masks a `password=` query item.
    static func redact(_ url: String) -> String {
        var text = url
        if let schemeEnd = text.range(of: "://") {
            let rest = text[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@"),
                let colon = rest[..<at].firstIndex(of: ":")
            {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
        }
        if let range = text.range(of: "password=") {
            let valueEnd = text[range.upperBound...].firstIndex(of: "&") ?? text.endIndex
            text.replaceSubrange(range.upperBound..<valueEnd, with: "***")
        }
        return text
    }
}
