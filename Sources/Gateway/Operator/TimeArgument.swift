import Foundation

/// Times as operators write them: RFC 3339 (`2026-12-03T10:00:00Z`, fractional seconds and offsets allowed),
/// a date (`2026-12-03`, midnight UTC), or a duration back from now (`90s`, `15m`, `2h`, `7d`).
public enum TimeArgument {
    /// Parses `text`; `nil` when it is none of the accepted forms.
    ///
    /// - Parameters:
    ///   - text: What the operator wrote.
    ///   - now: The instant durations count back from.
    public static func parse(_ text: String, now: Date = Date()) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let last = text.last, let unit = unitSeconds[last], let amount = Double(text.dropLast()), amount >= 0,
            text.dropLast().allSatisfy(\.isNumber)
        {
            return now.addingTimeInterval(-amount * unit)
        }
        let full = ISO8601DateFormatter()
        full.formatOptions = [.withInternetDateTime]
        if let date = full.date(from: text) { return date }
        full.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = full.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if text.count == 10, let date = day.date(from: text) { return date }
        return nil
    }

    private static let unitSeconds: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
}
