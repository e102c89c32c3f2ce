import Foundation
import Messages

/// The result of handling one claimed item, reported back to the ``OutboxSource``.
public struct Completion: Sendable {
    /// What the outbox row should become.
    public enum Outcome: Sendable, Equatable {
        /// Done; never send again.
        case delivered
        /// Send again, not before `at`.
        case retry(at: Date)
        /// Stop; keep the row in the dead-letter list with `reason`.
        case deadLetter(reason: String)
        /// No attempt was made (the breaker opened meanwhile); make the row due again at `until` without
        /// counting an attempt.
        case postponed(until: Date)
    }

    /// The message.
    public var messageId: MessageID
    /// The destination id.
    public var destination: String
    /// The number of this attempt (1-based); for ``Outcome/postponed(until:)``, the attempts made so far.
    public var attempt: Int
    /// What to do with the row.
    public var outcome: Outcome
    /// The HTTP status, if a response arrived.
    public var status: Int?
    /// Request latency in milliseconds, if a request was sent.
    public var latencyMs: Double?
    /// The transport or preparation error, if any.
    public var error: String?
    /// Response headers of the attempt.
    public var responseHeaders: [(String, String)]
    /// Response body of the attempt (capped by the client), kept for dead letters and receipts.
    public var responseBody: [UInt8]
    /// When the attempt started.
    public var startedAt: Date
    /// When the outcome was decided.
    public var finishedAt: Date
    /// The claim's fencing token (``ClaimedItem/claimToken``), so a stale lease holder can't overwrite a newer one.
    public var claimToken: Int64 = 0

    /// Creates a completion.
    public init(
        messageId: MessageID,
        destination: String,
        attempt: Int,
        outcome: Outcome,
        status: Int? = nil,
        latencyMs: Double? = nil,
        error: String? = nil,
        responseHeaders: [(String, String)] = [],
        responseBody: [UInt8] = [],
        startedAt: Date,
        finishedAt: Date,
        claimToken: Int64 = 0
    ) {
        self.claimToken = claimToken
        self.messageId = messageId
        self.destination = destination
        self.attempt = attempt
        self.outcome = outcome
        self.status = status
        self.latencyMs = latencyMs
        self.error = error
        self.responseHeaders = responseHeaders
        self.responseBody = responseBody
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}
