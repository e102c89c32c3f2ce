import Messages

/// Structure checks of the 12-digit personal ID number (DOMAIN.md §1 and §6.1): province prefix,
/// century + sex digit against the date of birth and sex, and the two birth-year digits.
///
/// There is no check digit, so a number that passes is only *plausible*; the population database
/// decides whether it exists.
public enum CitizenIDCheck {
    /// A person's sex as the ID's fourth digit encodes it.
    public enum Sex: String, Sendable, CaseIterable {
        /// Even fourth digit.
        case male
        /// Odd fourth digit.
        case female
        /// Undetermined (GIOI_TINH 3): only the century is checked.
        case undetermined
    }

    /// The problems with `id`, named by `field`. An empty array means the number passes.
    ///
    /// - Parameters:
    ///   - id: The number as sent.
    ///   - birthYear: The year of birth, when known and valid; without it only format and
    ///     province are checked.
    ///   - sex: The sex, when known and valid; `nil` skips the sex part of digit 4.
    ///   - field: The JSON path used in the problems, e.g. `person.citizenId`.
    /// - Returns: Problems with codes `format`, `id_province`, `id_century_sex`, `id_birth_year`.
    public static func problems(_ id: String, birthYear: Int?, sex: Sex?, field: String) -> [ValidationProblem] {
        let digits = Array(id.utf8)
        guard digits.count == 12, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return [ValidationProblem(field: field, code: "format", message: "a personal ID number is 12 digits")]
        }
        let values = digits.map { Int($0 - UInt8(ascii: "0")) }
        var problems: [ValidationProblem] = []
        if !Provinces.isValidCitizenPrefix(id.prefix(3)) {
            problems.append(ValidationProblem(
                field: field, code: "id_province",
                message: "digits 1–3 (\(id.prefix(3))) are not a province code"))
        }
        guard let birthYear else { return problems }
        guard (1900...2399).contains(birthYear) else {
            problems.append(ValidationProblem(
                field: field, code: "id_century_sex",
                message: "birth year \(birthYear) is outside 1900–2399, which digit 4 cannot encode"))
            return problems
        }
        let century = birthYear / 100 - 19
        let digit4 = values[3]
        let centuryMatches: Bool
        switch sex {
        case .male: centuryMatches = digit4 == 2 * century
        case .female: centuryMatches = digit4 == 2 * century + 1
        case .undetermined, nil: centuryMatches = digit4 / 2 == century
        }
        if !centuryMatches {
            let expected: String
            switch sex {
            case .male: expected = "\(2 * century) (male, born \(birthYear))"
            case .female: expected = "\(2 * century + 1) (female, born \(birthYear))"
            case .undetermined, nil: expected = "\(2 * century) or \(2 * century + 1) (born \(birthYear))"
            }
            problems.append(ValidationProblem(
                field: field, code: "id_century_sex", message: "digit 4 is \(digit4), expected \(expected)"))
        }
        if values[4] * 10 + values[5] != birthYear % 100 {
            problems.append(ValidationProblem(
                field: field, code: "id_birth_year",
                message: "digits 5–6 are \(values[4])\(values[5]), expected the last two digits of \(birthYear)"))
        }
        return problems
    }
}
