/// Format checks shared by the visit and check-in rules (DOMAIN.md §1, §4.4, §6).
public enum VisitFormats {
    /// Whether every character of `value` is an ASCII digit (and there is at least one).
    public static func isDigits(_ value: String, count: Int? = nil) -> Bool {
        let utf8 = value.utf8
        if let count, utf8.count != count { return false }
        return !utf8.isEmpty && utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// Whether `yyyy`, `MM`, `dd` name a real Gregorian date.
    public static func isValidDate(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// Checks a `yyyyMMddHHmm` value: `nil` when fine, else the problem code (`format` or `invalid_date`).
    ///
    /// - Parameters:
    ///   - years: Accepted years.
    ///   - unknownDayMonth: Whether `MMdd` = `0000` (day and month unknown) is allowed (NGAY_SINH).
    public static func dateTimeProblem(_ value: String, years: ClosedRange<Int> = 1900...2399, unknownDayMonth: Bool = false)
        -> String?
    {
        guard isDigits(value, count: 12) else { return "format" }
        let digits = value.utf8.map { Int($0) - 0x30 }
        let year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
        let month = digits[4] * 10 + digits[5]
        let day = digits[6] * 10 + digits[7]
        let hour = digits[8] * 10 + digits[9]
        let minute = digits[10] * 10 + digits[11]
        guard years.contains(year), hour <= 23, minute <= 59 else { return "invalid_date" }
        if unknownDayMonth, month == 0, day == 0 { return nil }
        return isValidDate(year: year, month: month, day: day) ? nil : "invalid_date"
    }

    /// Checks a `yyyyMMdd` value: `nil` when fine, else `format` or `invalid_date`.
    public static func dateProblem(_ value: String, years: ClosedRange<Int> = 1900...2399) -> String? {
        guard isDigits(value, count: 8) else { return "format" }
        let digits = value.utf8.map { Int($0) - 0x30 }
        let year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
        let month = digits[4] * 10 + digits[5]
        let day = digits[6] * 10 + digits[7]
        guard years.contains(year) else { return "invalid_date" }
        return isValidDate(year: year, month: month, day: day) ? nil : "invalid_date"
    }

    /// Whether `code` is one ICD-10 code: `^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$` and at most 7 characters
    /// (DOMAIN.md §6.3). The length limit is checked separately so the caller can say `too_long`.
    public static func isICD10(_ code: String) -> Bool {
        let b = Array(code.utf8)
        guard b.count == 3 || (b.count >= 5 && b.count <= 8) else { return false }
        guard isUpper(b[0]), isDigit(b[1]), isDigit(b[2]) else { return false }
        if b.count == 3 { return true }
        guard b[3] == UInt8(ascii: ".") else { return false }
        return b[4...].allSatisfy { isUpper($0) || isDigit($0) }
    }

    /// Whether `card` is one 15-character BHYT card number: 2 letters, benefit digit 1–5,
    /// 2-digit province (format only, §6.2), 10 digits.
    public static func isCardNumber(_ card: String) -> Bool {
        let b = Array(card.utf8)
        guard b.count == 15, isUpper(b[0]), isUpper(b[1]) else { return false }
        guard b[2] >= UInt8(ascii: "1"), b[2] <= UInt8(ascii: "5") else { return false }
        return b[3...].allSatisfy(isDigit)
    }

    /// Whether `value` is the facility-code shape of §6.4: 5 characters, the first 2 a province code.
    /// Returns the problem code, or nil.
    public static func facilityProblem(_ value: String) -> String? {
        guard value.utf8.count == 5, value.utf8.allSatisfy({ isUpper($0) || isDigit($0) }) else { return "format" }
        return ProvinceCodes.twoDigit.contains(String(value.prefix(2))) ? nil : "code_list"
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
}
