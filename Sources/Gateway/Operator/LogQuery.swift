import Foundation
import HTTPCore
import Messages
import Store

/// The query string of `GET /v1/log` (and `/v1/audit`), checked: every bad value is a 400 naming the parameter.
struct LogQuery: Sendable {
    var filter = LogFilter()
    var limit = 100
    var cursor: LogCursor?

    static let parameters: Set<String> = [
        "type", "sender", "destination", "status", "event", "citizen", "key", "message", "since", "until", "limit",
        "cursor", "order",
    ]

    /// Parses the query parameters; `allowed` limits which filters apply (the audit takes fewer).
    static func parse(_ query: [(String, String)], allowed: Set<String> = parameters, now: Date = Date())
        -> Result<LogQuery, Problem>
    {
        var result = LogQuery()
        var problems: [Problem.Item] = []
        func bad(_ name: String, _ code: String, _ message: String) {
            problems.append(Problem.Item(field: name, code: code, message: message))
        }
        var seen = Set<String>()
        for (name, value) in query {
            guard allowed.contains(name) else {
                bad(name, "unknown", "unknown parameter (expected one of \(allowed.sorted().joined(separator: ", ")))")
                continue
            }
            guard seen.insert(name).inserted else {
                bad(name, "repeated", "give \(name) once")
                continue
            }
            guard !value.isEmpty else {
                bad(name, "empty", "\(name) needs a value")
                continue
            }
            switch name {
            case "type": result.filter.type = value
            case "sender": result.filter.sender = value
            case "destination": result.filter.destination = value
            case "status", "event": result.filter.event = value.replacingOccurrences(of: "-", with: "_")
            case "citizen":
                if value.count == 12 && value.allSatisfy({ $0.isASCII && $0.isNumber }) {
                    result.filter.citizen = value
                } else {
                    bad(name, "format", "a citizen ID number has 12 digits")
                }
            case "key": result.filter.key = value
            case "message":
                if let id = MessageID(value) { result.filter.messageId = id } else { bad(name, "format", "not a message id") }
            case "since", "until":
                guard let date = TimeArgument.parse(value, now: now) else {
                    bad(name, "format", "expected RFC 3339 (2026-12-03T10:00:00Z), a date (2026-12-03) or 15m, 2h, 7d")
                    continue
                }
                if name == "since" { result.filter.since = date } else { result.filter.until = date }
            case "limit":
                if let limit = Int(value), (1...1000).contains(limit) {
                    result.limit = limit
                } else {
                    bad(name, "range", "limit is an integer from 1 to 1000")
                }
            case "cursor":
                if let cursor = LogCursor(value) { result.cursor = cursor } else { bad(name, "format", "not a cursor") }
            case "order":
                switch value {
                case "newest": result.filter.oldestFirst = false
                case "oldest": result.filter.oldestFirst = true
                default: bad(name, "unknown", "order is newest or oldest")
                }
            default:
                bad(name, "unknown", "unknown parameter")
            }
        }
        if let since = result.filter.since, let until = result.filter.until, until <= since {
            bad("until", "range", "until must be after since")
        }
        guard problems.isEmpty else {
            let names = problems.map(\.field).joined(separator: ", ")
            return .failure(Problem(status: 400, title: "Bad query parameter", detail: "check \(names)", problems: problems))
        }
        return .success(result)
    }
}
