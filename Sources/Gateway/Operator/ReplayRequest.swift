import Foundation
import HTTPCore

/// The JSON body of a replay request: `{"destination"?: "id", "since"?: time, "until"?: time}`; an empty
/// body means "everything". Bad members are a 400 naming them.
struct ReplayRequest: Sendable {
    var destination: String?
    var since: Date?
    var until: Date?

    static func parse(_ body: [UInt8], allowed: Set<String>, known destinations: Set<String>, now: Date = Date())
        throws(Problem) -> ReplayRequest
    {
        var result = ReplayRequest()
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) { return result }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw problem("body", "json", "the body is a JSON object")
        }
        for (name, value) in object.sorted(by: { $0.key < $1.key }) {
            guard allowed.contains(name) else {
                throw problem(name, "unknown", "unknown member (expected \(allowed.sorted().joined(separator: ", ")))")
            }
            guard let text = value as? String, !text.isEmpty else { throw problem(name, "type", "\(name) is a string") }
            switch name {
            case "destination":
                guard destinations.contains(text) else { throw problem(name, "unknown", "no destination \(text)") }
                result.destination = text
            default:
                guard let date = TimeArgument.parse(text, now: now) else {
                    throw problem(name, "format", "expected RFC 3339, a date or 15m, 2h, 7d")
                }
                if name == "since" { result.since = date } else { result.until = date }
            }
        }
        return result
    }

    private static func problem(_ field: String, _ code: String, _ message: String) -> Problem {
        Problem(status: 400, title: "Bad replay request", detail: "check \(field)",
                problems: [Problem.Item(field: field, code: code, message: message)])
    }
}
