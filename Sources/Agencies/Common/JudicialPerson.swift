import Foundation
import Messages

/// A person as the judicial formats identify them, read with every problem recorded.
///
/// The core (`citizenId`, `fullName`, `dateOfBirth`, `sex`) is the same everywhere and is what
/// the population-database identity check compares; the rest depends on the message.
struct JudicialPerson {
    /// Whether the names of father, mother and spouse are required (Phiếu số 2, Art. 43),
    /// optional (verdicts) or not allowed (Phiếu số 1, Art. 42).
    enum Relatives { case optional, required, forbidden }

    var citizenId: String?
    var fullName: String?
    var dateOfBirth: JudicialDay?
    var sex: String?
    var residenceProvince: String?
    /// The normalised person for the canonical body.
    var canonical: [String: Any] = [:]

    /// The sexes the formats accept.
    static let sexes = ["male", "female"]

    /// Reads a person object.
    ///
    /// - Parameters:
    ///   - object: The `person` / `applicant` object.
    ///   - residenceRequired: Whether `residenceProvince` must be present.
    ///   - relatives: The rule for `fatherName`, `motherName`, `spouseName`.
    ///   - extended: Whether certificate identity fields are allowed (`placeOfBirth`,
    ///     `nationality` (required), `residenceAddress`, `phone`).
    ///   - today: Dates after this are `future`.
    static func read(
        _ object: JudicialObject, residenceRequired: Bool, relatives: Relatives, extended: Bool, today: JudicialDay
    ) -> JudicialPerson {
        var allowed: Set<String> = ["citizenId", "fullName", "dateOfBirth", "sex", "residenceProvince",
                                    "fatherName", "motherName", "spouseName"]
        if extended { allowed.formUnion(["placeOfBirth", "nationality", "residenceAddress", "phone"]) }
        object.rejectUnknown(allowed)

        var person = JudicialPerson()
        let id = object.string("citizenId", required: true, maxLength: 32)
        person.fullName = object.string("fullName", required: true)
        person.dateOfBirth = object.day("dateOfBirth", required: true, notAfter: today)
        person.sex = object.code("sex", required: true, allowed: sexes)
        person.residenceProvince = object.province("residenceProvince", required: residenceRequired)
        if let id {
            let sex = person.sex.flatMap(CitizenIDCheck.Sex.init(rawValue:))
            let problems = CitizenIDCheck.problems(
                id, birthYear: person.dateOfBirth?.year, sex: sex, field: object.field("citizenId"))
            object.sink.add(contentsOf: problems)
            if problems.isEmpty { person.citizenId = id }
        }

        var canonical: [String: Any] = [:]
        canonical["citizenId"] = id
        canonical["fullName"] = person.fullName
        canonical["dateOfBirth"] = person.dateOfBirth?.description
        canonical["sex"] = person.sex
        canonical["residenceProvince"] = person.residenceProvince

        switch relatives {
        case .forbidden:
            for key in ["fatherName", "motherName", "spouseName"] {
                object.notApplicable(key, "parents' and spouse's names appear only on Phiếu số 2 (Art. 43)")
            }
        case .optional:
            for key in ["fatherName", "motherName", "spouseName"] {
                canonical[key] = object.string(key, required: false)
            }
        case .required:
            canonical["fatherName"] = object.string("fatherName", required: true)
            canonical["motherName"] = object.string("motherName", required: true)
            if object.isNull("spouseName") {
                canonical["spouseName"] = NSNull()
            } else if object.values["spouseName"] == nil {
                object.sink.add(object.field("spouseName"), "required",
                                "spouseName is required on Phiếu số 2; write null when there is no spouse")
            } else {
                canonical["spouseName"] = object.string("spouseName", required: true)
            }
        }

        if extended {
            canonical["placeOfBirth"] = object.string("placeOfBirth", required: false)
            canonical["nationality"] = object.formatted(
                "nationality", required: true, maxLength: 8, expected: "an ISO 3166-1 alpha-2 code such as VN",
                JudicialCountries.isValid)
            canonical["residenceAddress"] = object.string("residenceAddress", required: false, maxLength: 500)
            canonical["phone"] = object.formatted(
                "phone", required: false, maxLength: 13, expected: "a Vietnamese phone number, 0xxxxxxxxx or +84xxxxxxxxx",
                isPhone)
        }
        person.canonical = canonical
        return person
    }

    /// Routing and identity-check attributes: `citizen`, `fullName`, `dateOfBirth`, `sex`, and
    /// `residenceProvince` when known.
    var attributes: [String: String] {
        var result: [String: String] = [:]
        result["citizen"] = citizenId
        result["fullName"] = fullName
        result["dateOfBirth"] = dateOfBirth?.description
        result["sex"] = sex
        result["residenceProvince"] = residenceProvince
        return result
    }

    private static func isPhone(_ text: String) -> Bool {
        let digits: Substring
        if text.hasPrefix("+84") {
            digits = text.dropFirst(3)
            guard digits.count == 9 else { return false }
        } else {
            guard text.hasPrefix("0"), text.count == 10 else { return false }
            digits = Substring(text)
        }
        return digits.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
