import Foundation
import HTTPCore

/// Small helpers the agency simulators share: reading JSON bodies and writing answers.
enum SimulatorJSON {
    /// The body as a JSON object, or nil if it is not one.
    static func object(_ body: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    /// A JSON value as text: strings as they are, numbers in decimal, anything else empty.
    static func text(_ value: Any?) -> String {
        if let string = value as? String { return string }
        if let number = value as? NSNumber { return number.stringValue }
        return ""
    }

    /// A `problem+json` answer.
    static func problem(_ status: Int, _ detail: String, items: [Problem.Item] = []) -> HTTPResponse {
        HTTPResponse.problem(Problem(status: status, detail: detail, problems: items))
    }

    /// `405` naming the allowed method.
    static func methodNotAllowed(_ allowed: String) -> HTTPResponse {
        HTTPResponse.problem(Problem(status: 405, detail: "use \(allowed)", headers: [("Allow", allowed)]))
    }

    /// Whether `text` is exactly `count` ASCII digits.
    static func isDigits(_ text: String, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// `yyyyMMddHHmmss` in Vietnam time (UTC+7), the portal's timestamp format.
    static func vietnamTimestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600) ?? .gmt
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02d%02d%02d%02d", p.year ?? 1970, p.month ?? 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0,
            p.second ?? 0)
    }

    /// Random lowercase hex, `bytes` bytes long.
    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// The `Idempotency-Key` of a request, `""` when absent.
    static func key(_ request: HTTPRequest) -> String { request.headers["Idempotency-Key"] ?? "" }

    /// The query as a dictionary (last value wins).
    static func query(_ request: HTTPRequest) -> [String: String] {
        Dictionary(request.query, uniquingKeysWith: { _, last in last })
    }
}
