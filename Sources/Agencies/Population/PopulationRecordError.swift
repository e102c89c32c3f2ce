/// Why a population-database answer could not be read.
public struct PopulationRecordError: Error, Hashable, CustomStringConvertible {
    private enum Code: Hashable {
        case malformed(String)
        case invalidField(String)
    }

    private let code: Code

    /// The answer is not the expected JSON.
    public static func malformed(_ detail: String) -> Self { Self(code: .malformed(detail)) }
    /// A field is out of form (e.g. a date not `YYYY-MM-DD`).
    public static func invalidField(_ field: String) -> Self { Self(code: .invalidField(field)) }

    public var description: String {
        switch code {
        case .malformed(let detail): "PopulationRecordError.malformed(\(detail))"
        case .invalidField(let field): "PopulationRecordError.invalidField(\(field))"
        }
    }
}
