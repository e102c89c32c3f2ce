/// Why a message cannot go to the e-health book.
public struct HealthBookError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable { case notAVisit(String), noCitizenID }
    private let code: Code

    /// The message body is not a canonical visit.
    public static func notAVisit(_ detail: String) -> Self { Self(code: .notAVisit(detail)) }
    /// The visit has no valid 12-digit personal ID, so the book (keyed by it) cannot take it.
    public static let noCitizenID = HealthBookError(code: .noCitizenID)

    /// The error for logs.
    public var description: String {
        switch code {
        case .notAVisit(let detail): "HealthBookError.notAVisit(\(detail))"
        case .noCitizenID: "HealthBookError.noCitizenID: the visit has no valid 12-digit personal ID"
        }
    }
}
