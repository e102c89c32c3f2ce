import Foundation
import Messages

/// A claimed outbox row: one message for one destination, leased to the claiming deliverer.
public struct OutboxItem: Sendable {
    /// The message to deliver, with its body.
    public var message: CanonicalMessage
    /// The destination id.
    public var destination: String
    /// Attempts so far including this one (reset to 0 by a replay).
    public var attempt: Int
    /// The fencing token of this claim: pass it back in ``AttemptOutcome/claimToken`` so that a holder whose
    /// lease expired (and whose row was claimed again) cannot overwrite the newer holder's outcome.
    public var claimToken: Int64
    /// Until when the lease holds; after that another deliverer may claim the row.
    public var leaseUntil: Date
    /// The HTTP status of the previous attempt, if any.
    public var lastStatus: Int?
    /// A reference the destination handed out on an earlier attempt (e.g. BHXH `maGiaoDich`), if any.
    public var externalRef: String?

    /// Creates an item.
    public init(
        message: CanonicalMessage,
        destination: String,
        attempt: Int,
        claimToken: Int64,
        leaseUntil: Date,
        lastStatus: Int? = nil,
        externalRef: String? = nil
    ) {
        self.message = message
        self.destination = destination
        self.attempt = attempt
        self.claimToken = claimToken
        self.leaseUntil = leaseUntil
        self.lastStatus = lastStatus
        self.externalRef = externalRef
    }
}
