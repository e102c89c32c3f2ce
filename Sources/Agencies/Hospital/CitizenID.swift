import Messages

/// Checks on a 12-digit personal ID number (số định danh cá nhân, DOMAIN.md §1 and §6.1):
/// province of birth registration, century + sex digit, birth-year digits. There is no check digit.
public enum CitizenID {
    /// Whether `value` has the shape of a 12-digit personal ID (structure not checked).
    public static func isTwelveDigits(_ value: String) -> Bool { VisitFormats.isDigits(value, count: 12) }

    /// Every problem of a 12-digit ID against the person's birth date and sex.
    ///
    /// - Parameters:
    ///   - id: The 12 digits.
    ///   - birth: `NGAY_SINH` (`yyyyMMddHHmm`); the century and year checks are skipped if it is malformed.
    ///   - sex: `GIOI_TINH` (`1`, `2`, `3`); the sex part is skipped if it is not one of those.
    ///   - field: The field name to report problems under.
    public static func problems(id: String, birth: String, sex: String, field: String = "SO_CCCD") -> [ValidationProblem] {
        guard isTwelveDigits(id) else {
            return [ValidationProblem(field: field, code: "format", message: "a personal ID number has 12 digits")]
        }
        var problems: [ValidationProblem] = []
        let digits = id.utf8.map { Int($0) - 0x30 }
        if !ProvinceCodes.threeDigit.contains(String(id.prefix(3))) {
            problems.append(ValidationProblem(
                field: field, code: "id_province",
                message: "digits 1-3 (\(id.prefix(3))) are not a province code of TT 07/2016/TT-BCA"))
        }
        guard VisitFormats.isDigits(String(birth.prefix(4)), count: 4) else { return problems }
        let year = Int(birth.prefix(4)) ?? 0
        guard (1900...2399).contains(year) else { return problems }
        let century = year / 100 - 19
        let d4 = digits[3]
        let allowed: [Int]
        switch sex {
        case "1": allowed = [2 * century]
        case "2": allowed = [2 * century + 1]
        default: allowed = [2 * century, 2 * century + 1]
        }
        if !allowed.contains(d4) {
            problems.append(ValidationProblem(
                field: field, code: "id_century_sex",
                message: "digit 4 (\(d4)) does not match sex \(sex) born \(year); expected \(allowed.map(String.init).joined(separator: " or "))"))
        }
        let yy = digits[4] * 10 + digits[5]
        if yy != year % 100 {
            problems.append(ValidationProblem(
                field: field, code: "id_birth_year",
                message: "digits 5-6 (\(id.dropFirst(4).prefix(2))) are not the last two digits of the birth year \(year)"))
        }
        return problems
    }

    /// Whether `id` is a 12-digit personal ID that passes every check against `birth` and `sex`.
    public static func isValid(_ id: String, birth: String, sex: String) -> Bool {
        isTwelveDigits(id) && VisitFormats.dateTimeProblem(birth, unknownDayMonth: true) == nil
            && problems(id: id, birth: birth, sex: sex).isEmpty
    }
}
