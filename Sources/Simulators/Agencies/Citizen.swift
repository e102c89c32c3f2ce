import Foundation

/// One person in the simulated National Population Database (the fixture file's shape).
public struct Citizen: Sendable, Equatable, Codable {
    /// The 12-digit personal ID number.
    public var citizenId: String
    /// Full name, as registered.
    public var fullName: String
    /// `YYYY-MM-DD`.
    public var dateOfBirth: String
    /// `male` or `female`.
    public var sex: String
    /// Two-digit province code of permanent residence.
    public var residenceProvince: String
    /// `active`, `deceased` or `cancelled`.
    public var status: String

    /// Creates a citizen.
    public init(
        citizenId: String, fullName: String, dateOfBirth: String, sex: String, residenceProvince: String,
        status: String = "active"
    ) {
        self.citizenId = citizenId
        self.fullName = fullName
        self.dateOfBirth = dateOfBirth
        self.sex = sex
        self.residenceProvince = residenceProvince
        self.status = status
    }

    /// The fixture file's shape: `{"citizens": [...]}`.
    private struct File: Decodable {
        let citizens: [Citizen]
    }

    /// Reads a fixture file: `{"citizens": [...]}` or a bare JSON array of citizens.
    ///
    /// - Throws: The file or decoding error, naming the path.
    public static func load(path: String) throws -> [Citizen] {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            if let file = try? JSONDecoder().decode(File.self, from: data) { return file.citizens }
            return try JSONDecoder().decode([Citizen].self, from: data)
        } catch {
            throw CitizenFileError(path: path, underlying: "\(error)")
        }
    }
}
