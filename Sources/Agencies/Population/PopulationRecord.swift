import Foundation

/// A citizen as the National Population Database answers a lookup (the subset of Luật Căn cước
/// Art. 9 fields Interchange uses):
///
/// ```json
/// {"citizenId":"001303012345","fullName":"Nguyễn Thị Lan","dateOfBirth":"2003-03-15",
///  "sex":"female","residenceProvince":"01","status":"active"}
/// ```
public struct PopulationRecord: Sendable, Hashable, Codable {
    /// Whether the ID number is in use.
    public enum Status: String, Sendable, Hashable, Codable {
        /// In use.
        case active
        /// The citizen has died.
        case deceased
        /// The number was cancelled (e.g. re-issued after a sex or birth-year correction).
        case cancelled
    }

    /// The 12-digit ID number.
    public var citizenId: String
    /// The full name (birth name).
    public var fullName: String
    /// `YYYY-MM-DD`.
    public var dateOfBirth: String
    /// `male` or `female`.
    public var sex: String
    /// Two-digit province code of the permanent residence.
    public var residenceProvince: String
    /// Whether the number is in use.
    public var status: Status

    /// Creates a record.
    public init(
        citizenId: String, fullName: String, dateOfBirth: String, sex: String, residenceProvince: String,
        status: Status = .active
    ) {
        self.citizenId = citizenId
        self.fullName = fullName
        self.dateOfBirth = dateOfBirth
        self.sex = sex
        self.residenceProvince = residenceProvince
        self.status = status
    }

    /// Decodes one lookup answer.
    ///
    /// - Throws: ``PopulationRecordError`` when the JSON is malformed or a field is out of form.
    public static func decode(_ bytes: [UInt8]) throws(PopulationRecordError) -> PopulationRecord {
        let record: PopulationRecord
        do {
            record = try JSONDecoder().decode(PopulationRecord.self, from: Data(bytes))
        } catch {
            throw PopulationRecordError.malformed(String(describing: error))
        }
        try record.check()
        return record
    }

    /// Decodes a population file `{"citizens": [record, …]}`, such as
    /// `Fixtures/population/citizens.json` that the simulated database serves.
    ///
    /// - Throws: ``PopulationRecordError`` for malformed JSON or any record out of form.
    public static func decodeFile(_ bytes: [UInt8]) throws(PopulationRecordError) -> [PopulationRecord] {
        struct File: Decodable { var citizens: [PopulationRecord] }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(bytes))
        } catch {
            throw PopulationRecordError.malformed(String(describing: error))
        }
        for record in file.citizens { try record.check() }
        return file.citizens
    }

    private func check() throws(PopulationRecordError) {
        guard citizenId.utf8.count == 12, citizenId.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw PopulationRecordError.invalidField("citizenId")
        }
        guard !fullName.isEmpty else { throw PopulationRecordError.invalidField("fullName") }
        guard JudicialDay(dateOfBirth) != nil else { throw PopulationRecordError.invalidField("dateOfBirth") }
        guard sex == "male" || sex == "female" else { throw PopulationRecordError.invalidField("sex") }
    }
}
