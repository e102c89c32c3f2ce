/// A JSON record a simulated justice agency (Department of Justice, National Centre, VNeID) accepted.
public struct IntakeRecord: Sendable, Equatable {
    /// The request's `Idempotency-Key` (`""` when it had none).
    public var key: String
    /// The two-digit province for a Department of Justice, `""` otherwise.
    public var province: String
    /// The receiving agency's own number for it, returned as `receiptId`.
    public var receiptId: String
    /// The JSON body as received.
    public var body: [UInt8]
}
