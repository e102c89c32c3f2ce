/// What Interchange asks the National Population Database to confirm (DOMAIN.md §8): the 12-digit
/// ID number with full name, date of birth and sex.
public struct IdentityQuery: Sendable, Hashable {
    /// The message attribute names a query is built from; adapters that want an identity check
    /// set these four.
    public enum Attribute {
        /// `citizen`: the 12-digit ID number.
        public static let citizen = "citizen"
        /// `fullName`.
        public static let fullName = "fullName"
        /// `dateOfBirth`: `YYYY-MM-DD`, `yyyyMMdd` or `yyyyMMddHHmm` (XML1 `NGAY_SINH`).
        public static let dateOfBirth = "dateOfBirth"
        /// `sex`: `male` / `female` (or XML1's `1` / `2`; `3` and `undetermined` skip the comparison).
        public static let sex = "sex"
    }

    /// The 12-digit ID number.
    public var citizenId: String
    /// The full name as the sender wrote it.
    public var fullName: String
    /// `YYYY-MM-DD`; `00` for a month or day the sender does not know (`1950-00-00`).
    public var dateOfBirth: String
    /// `male` or `female`; `nil` when undetermined, which is not compared.
    public var sex: String?

    /// Creates a query.
    public init(citizenId: String, fullName: String, dateOfBirth: String, sex: String?) {
        self.citizenId = citizenId
        self.fullName = fullName
        self.dateOfBirth = dateOfBirth
        self.sex = sex
    }

    /// Builds a query from a message's attributes, or `nil` when one of the four is missing or
    /// unreadable (then no identity check is possible and the router says so).
    public init?(attributes: [String: String]) {
        guard let citizen = attributes[Attribute.citizen], !citizen.isEmpty,
            let name = attributes[Attribute.fullName], !name.isEmpty,
            let dobText = attributes[Attribute.dateOfBirth], let dob = Self.normalisedDate(dobText),
            let sexText = attributes[Attribute.sex]
        else { return nil }
        switch sexText {
        case "male", "1": sex = "male"
        case "female", "2": sex = "female"
        case "undetermined", "3": sex = nil
        default: return nil
        }
        citizenId = citizen
        fullName = name
        dateOfBirth = dob
    }

    /// `YYYY-MM-DD` from `YYYY-MM-DD`, `yyyyMMdd` or `yyyyMMddHHmm`; `nil` for anything else.
    static func normalisedDate(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        let isDigit: (UInt8) -> Bool = { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        let compact: [UInt8]
        if bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") {
            compact = Array(bytes[0..<4] + bytes[5..<7] + bytes[8..<10])
        } else if bytes.count == 8 || bytes.count == 12 {
            compact = Array(bytes[0..<8])
        } else {
            return nil
        }
        guard compact.allSatisfy(isDigit), bytes.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: "-") }) else {
            return nil
        }
        let text = String(decoding: compact, as: UTF8.self)
        let year = text.prefix(4)
        let month = text.dropFirst(4).prefix(2)
        let day = text.suffix(2)
        if month == "00" || day == "00" { return "\(year)-00-00" }
        return "\(year)-\(month)-\(day)"
    }
}
