import Foundation
import Messages

/// Value rules shared by the configuration sections.
enum ConfigChecks {
    /// Identifiers are `[a-z0-9-]+`: they appear in URLs, file names and log filters.
    static func isIdentifier(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d }
    }

    /// Reports a problem unless `value` is an identifier.
    static func checkIdentifier(_ value: String, at path: String, _ problems: ProblemList) {
        if !isIdentifier(value) { problems.add(path, "format", "must match [a-z0-9-]+, found \"\(value)\"") }
    }

    /// A SHA-256 written as 64 hex digits, in either case, optionally colon-separated as
    /// `openssl x509 -fingerprint -sha256` prints it; returned lowercase without colons.
    static func normalizedSHA256(_ value: String) -> String? {
        let hex = value.replacingOccurrences(of: ":", with: "").lowercased()
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        else { return nil }
        return hex
    }

    /// Reads a SHA-256 hex value, reporting a format problem.
    static func sha256(_ value: String, at path: String, _ problems: ProblemList) -> String? {
        guard let hex = normalizedSHA256(value) else {
            problems.add(path, "format", "must be a SHA-256 in hex (64 characters)")
            return nil
        }
        return hex
    }

    /// Hosts a plain (non-TLS) listener or an http:// destination may use.
    static func isLoopback(_ host: String) -> Bool {
        let lowered = host.lowercased()
        return lowered == "localhost" || lowered == "::1" || lowered == "[::1]"
            || (lowered.hasPrefix("127.") && lowered.split(separator: ".").count == 4)
    }

    /// Checks an outbound URL: https anywhere, http only to loopback; host required.
    static func checkURL(_ value: String, at path: String, _ problems: ProblemList) {
        guard let components = URLComponents(string: value), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            problems.add(path, "format", "not an absolute URL: \"\(value)\"")
            return
        }
        switch scheme {
        case "https": break
        case "http":
            if !isLoopback(host) { problems.add(path, "insecure", "http is allowed only to loopback hosts; use https") }
        default:
            problems.add(path, "format", "scheme must be https (or http to loopback), found \"\(scheme)\"")
        }
    }

    /// Checks `value` is in `range`.
    static func checkRange(_ value: Int?, _ range: ClosedRange<Int>, at path: String, _ problems: ProblemList) {
        guard let value else { return }
        if !range.contains(value) {
            let upper = range.upperBound == Int.max ? "" : "–\(range.upperBound)"
            let text = range.upperBound == Int.max ? "must be ≥ \(range.lowerBound)" : "must be \(range.lowerBound)\(upper)"
            problems.add(path, "range", "\(text), found \(value)")
        }
    }
}
