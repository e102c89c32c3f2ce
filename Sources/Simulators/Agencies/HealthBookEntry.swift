/// A visit the simulated e-health book recorded.
public struct HealthBookEntry: Sendable, Equatable {
    /// The request's `Idempotency-Key` (`""` when it had none).
    public var key: String
    /// The citizen's 12-digit personal ID the visit is filed under.
    public var citizenId: String
    /// The 16 visit fields as sent.
    public var visit: [String: String]

    /// `MA_LK`, the visit's key at its facility.
    public var visitKey: String { visit["MA_LK"] ?? "" }
}
