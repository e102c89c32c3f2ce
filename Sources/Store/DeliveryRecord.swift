import Foundation

/// One message's delivery state for one destination.
public struct DeliveryRecord: Sendable, Hashable {
    /// The destination id.
    public var destination: String
    /// Where it stands.
    public var status: DeliveryStatus
    /// Attempts since admission or the last replay.
    public var attempts: Int
    /// When it may be tried next (pending rows).
    public var nextAttemptAt: Date
    /// Until when a deliverer holds it, if leased.
    public var leaseUntil: Date?
    /// The HTTP status of the last attempt, if the destination answered.
    public var lastStatus: Int?
    /// The last error (network error, problem detail, dead-letter reason).
    public var lastError: String?
    /// The destination's last answer, truncated to 4 KiB.
    public var lastResponse: String?
    /// When the destination accepted it.
    public var deliveredAt: Date?
    /// The destination's reference for it (e.g. BHXH `maGiaoDich`).
    public var externalRef: String?
    /// When the row last changed.
    public var updatedAt: Date

    /// Creates a record.
    public init(
        destination: String,
        status: DeliveryStatus,
        attempts: Int,
        nextAttemptAt: Date,
        leaseUntil: Date? = nil,
        lastStatus: Int? = nil,
        lastError: String? = nil,
        lastResponse: String? = nil,
        deliveredAt: Date? = nil,
        externalRef: String? = nil,
        updatedAt: Date
    ) {
        self.destination = destination
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.leaseUntil = leaseUntil
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.lastResponse = lastResponse
        self.deliveredAt = deliveredAt
        self.externalRef = externalRef
        self.updatedAt = updatedAt
    }
}
