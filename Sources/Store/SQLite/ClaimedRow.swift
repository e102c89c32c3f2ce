import Foundation
import Messages

/// An outbox row just leased by the writer; its message is read afterwards on a reader connection.
struct ClaimedRow: Sendable {
    var messageId: MessageID
    var attempt: Int
    var claimToken: Int64
    var nextAttemptAt: Int64
    var lastStatus: Int?
    var externalRef: String?
}
