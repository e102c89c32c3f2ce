import Foundation

/// A calendar date written `YYYY-MM-DD`, as the judicial formats use them (no time, no zone).
///
/// Ordering is calendar order, so `date <= effectiveDate` reads as the law does.
public struct JudicialDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The year, 1900…9999.
    public let year: Int
    /// The month, 1…12.
    public let month: Int
    /// The day of the month, valid for the month and year.
    public let day: Int

    /// Parses `YYYY-MM-DD` strictly: four-digit year from 1900, real calendar dates only
    /// (`2025-02-29` fails), no surrounding whitespace.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Creates a date from its parts, or `nil` when it is not a real date from 1900 on.
    public init?(year: Int, month: Int, day: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= JudicialDay.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Today in Vietnam (UTC+7), the zone every date in these formats is written in.
    public static func today(at now: Date) -> JudicialDay {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        guard let value = JudicialDay(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) else {
            preconditionFailure("invariant: the calendar returns a real date")
        }
        return value
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let y = String(year)
        let m = month < 10 ? "0\(month)" : String(month)
        let d = day < 10 ? "0\(day)" : String(day)
        return "\(y)-\(m)-\(d)"
    }

    public static func < (lhs: JudicialDay, rhs: JudicialDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
