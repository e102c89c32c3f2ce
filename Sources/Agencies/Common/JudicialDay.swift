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
        let seconds = Int((now.timeIntervalSince1970 + 7 * 3600).rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        guard let value = JudicialDay(daysSince1970: days) else {
            preconditionFailure("invariant: the gateway's clock is after 1900")
        }
        return value
    }

    /// The date `days` after 1970-01-01, or `nil` before 1900.
    public init?(daysSince1970 days: Int) {
        let (year, month, day) = JudicialDay.civil(fromDays: days)
        self.init(year: year, month: month, day: day)
    }

    /// Days since 1970-01-01 of this date (proleptic Gregorian), for date-time arithmetic
    /// without a `Calendar` (which is slow to create on Linux).
    public var daysSince1970: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day count since 1970-01-01 (H. Hinnant's algorithm).
    private static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
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
