import Foundation

/// Parses `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
public enum RetryAfter {
    /// The delay the header value asks for, relative to `now`; `nil` if the value is malformed.
    /// A date in the past yields zero.
    public static func parse(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingLeadingAndTrailingSpaces()
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // Clamp absurd values rather than overflow: a day is already longer than any policy allows.
            guard text.utf8.count <= 9, let seconds = Int(text) else { return .seconds(86_400 * 365) }
            return .seconds(seconds)
        }
        guard let date = httpDate(text) else { return nil }
        let interval = date.timeIntervalSince(now)
        return interval <= 0 ? .zero : .milliseconds(Int64((interval * 1000).rounded(.up)))
    }

    private static let formats = [
        "EEE, dd MMM yyyy HH:mm:ss zzz",  // IMF-fixdate
        "EEEE, dd-MMM-yy HH:mm:ss zzz",  // obsolete RFC 850
        "EEE MMM d HH:mm:ss yyyy",  // obsolete asctime
    ]

    /// Parses the three date forms HTTP allows. Formatters are created per call: this runs only on
    /// retryable answers, and `DateFormatter` is not `Sendable`.
    static func httpDate(_ text: String) -> Date? {
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    /// Formats `date` as an IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    public static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
