import Foundation

/// Compares an ``IdentityQuery`` with the ``PopulationRecord`` the database returned.
public enum IdentityComparison {
    /// The verdict.
    ///
    /// Names are compared after NFC normalisation, case-insensitively and with runs of
    /// whitespace collapsed (`"NGUYỄN  thị Lan"` matches `"Nguyễn Thị Lan"`); the date of birth
    /// exactly (only the year when the query's month and day are unknown); the sex exactly
    /// unless the query's is undetermined. A deceased or cancelled record is a mismatch whatever
    /// the fields say.
    public static func compare(_ query: IdentityQuery, _ record: PopulationRecord) -> IdentityVerdict {
        var fields: [String] = []
        if query.citizenId != record.citizenId { fields.append("citizenId") }
        if normalisedName(query.fullName) != normalisedName(record.fullName) { fields.append("fullName") }
        if query.dateOfBirth.hasSuffix("-00-00") {
            if query.dateOfBirth.prefix(4) != record.dateOfBirth.prefix(4) { fields.append("dateOfBirth") }
        } else if query.dateOfBirth != record.dateOfBirth {
            fields.append("dateOfBirth")
        }
        if let sex = query.sex, sex != record.sex { fields.append("sex") }

        var reasons: [String] = []
        switch record.status {
        case .active: break
        case .deceased: reasons.append("the citizen is recorded as deceased")
        case .cancelled: reasons.append("the ID number \(record.citizenId) has been cancelled")
        }
        if record.status != .active { fields.append("status") }
        let differing = fields.filter { $0 != "status" }
        if !differing.isEmpty {
            reasons.append("\(differing.joined(separator: ", ")) \(differing.count == 1 ? "differs" : "differ") from the population database")
        }
        return fields.isEmpty ? .match : .mismatch(fields: fields, reason: reasons.joined(separator: "; "))
    }

    /// A name in comparison form: NFC, lowercased, whitespace runs collapsed to one space, trimmed.
    public static func normalisedName(_ name: String) -> String {
        name.precomposedStringWithCanonicalMapping
            .lowercased()
            .split(whereSeparator: { $0.isWhitespace })
            .joined(separator: " ")
    }
}
