import Foundation
import Messages

/// The outcome of one delivery attempt (or of a pre-delivery step) for one outbox row.
public struct AttemptOutcome: Sendable {
    /// What to do with the row.
    public enum Disposition: Sendable, Hashable {
        /// The destination accepted it. Applied even from a stale lease holder (the partner did accept it).
        case delivered(at: Date)
        /// Try again, not before this time. Also releases a ``DeliveryStatus/held`` row.
        case retry(at: Date)
        /// Give up: the row goes to the dead-letter list with this reason as its last error.
        case dead(reason: String)
        /// Park the row until a pre-delivery step releases it with ``retry(at:)``.
        case held
    }

    /// The message.
    public var messageId: MessageID
    /// The destination.
    public var destination: String
    /// The token from ``OutboxItem/claimToken``. Non-delivered dispositions apply only while the row still
    /// carries this token; `nil` applies unconditionally (a pre-delivery step on a held row).
    public var claimToken: Int64?
    /// What to do with the row.
    public var disposition: Disposition
    /// The HTTP status the destination answered, if it answered.
    public var statusCode: Int?
    /// The error of this attempt (network error, problem detail), if any.
    public var error: String?
    /// The destination's answer; the store keeps at most 4 KiB of it.
    public var response: String?
    /// A reference the destination handed out (e.g. BHXH `maGiaoDich`), if any.
    public var externalRef: String?
    /// Events to log in the same transaction (`attempt`, `delivered`, `retry_scheduled` ...). Missing
    /// `messageId` and `destination` are filled from this outcome.
    public var events: [LogEvent]

    /// Creates an outcome.
    public init(
        messageId: MessageID,
        destination: String,
        claimToken: Int64?,
        disposition: Disposition,
        statusCode: Int? = nil,
        error: String? = nil,
        response: String? = nil,
        externalRef: String? = nil,
        events: [LogEvent] = []
    ) {
        self.messageId = messageId
        self.destination = destination
        self.claimToken = claimToken
        self.disposition = disposition
        self.statusCode = statusCode
        self.error = error
        self.response = response
        self.externalRef = externalRef
        self.events = events
    }

    /// Creates the outcome of an attempt on a claimed item.
    public init(
        item: OutboxItem,
        disposition: Disposition,
        statusCode: Int? = nil,
        error: String? = nil,
        response: String? = nil,
        externalRef: String? = nil,
        events: [LogEvent] = []
    ) {
        self.init(
            messageId: item.message.id,
            destination: item.destination,
            claimToken: item.claimToken,
            disposition: disposition,
            statusCode: statusCode,
            error: error,
            response: response,
            externalRef: externalRef,
            events: events
        )
    }
}
