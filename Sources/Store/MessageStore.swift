import Foundation
import Messages

/// The durable store behind "accepted means delivered, once": messages, their outbox rows and the routing log.
///
/// Every write returns only after its transaction is durable. Implementations batch concurrent writes into
/// one transaction (group commit); if that transaction fails, every caller in it gets the error.
public protocol MessageStore: Sendable {
    /// Stores each admission (message, outbox rows, log events) atomically, grouped with concurrent writes.
    ///
    /// Deduplication is by the unique `(sender, idempotencyKey)`: an insert that collides yields
    /// ``AdmissionResult/duplicate(_:)`` (and a `duplicate` or `conflict` log event), never a search first.
    /// - Returns: One result per admission, in order.
    /// - Throws: ``StoreError``; then nothing of this call was stored.
    func admit(_ admissions: [Admission]) async throws(StoreError) -> [AdmissionResult]

    /// Appends log events that have no stored message (a rejected request, ...), durably.
    func appendLog(_ events: [LogEvent]) async throws(StoreError)

    /// Leases up to `limit` due rows of one destination: pending, `nextAttemptAt <= now`, lease absent or expired.
    ///
    /// Each claimed row's lease is set to `now + lease` and its attempt count incremented, durably.
    /// - Returns: The claimed rows with their messages, oldest due first.
    func claim(destination: String, limit: Int, lease: Duration, now: Date) async throws(StoreError) -> [OutboxItem]

    /// Records attempt outcomes and their log events in one durable transaction.
    ///
    /// A delivered row is never changed back; a non-delivered disposition with a stale
    /// ``AttemptOutcome/claimToken`` leaves the row alone (its events are still logged).
    func complete(_ outcomes: [AttemptOutcome]) async throws(StoreError)

    /// The stored message with body and business keys, or `nil` if unknown.
    func message(_ id: MessageID) async throws(StoreError) -> StoredMessage?

    /// The message's delivery state per destination.
    func deliveries(of id: MessageID) async throws(StoreError) -> [DeliveryRecord]

    /// The message's log entries, oldest first.
    func timeline(of id: MessageID) async throws(StoreError) -> [LogEntry]

    /// Searches the routing log with cursor pagination that stays stable while entries are appended.
    ///
    /// - Parameters:
    ///   - filter: What must match, and the order.
    ///   - cursor: ``LogPage/next`` of the previous page, or `nil` for the first page.
    ///   - limit: The page size (1...1000).
    func searchLog(_ filter: LogFilter, after cursor: LogCursor?, limit: Int) async throws(StoreError) -> LogPage

    /// Re-queues a message's delivered or dead rows (all, or one destination) as pending now, logging `replayed`.
    ///
    /// - Returns: How many rows were re-queued.
    func replay(_ id: MessageID, destination: String?, by actor: String) async throws(StoreError) -> Int

    /// Re-queues dead-lettered rows (optionally of one destination, dead-lettered within `since..<until`).
    ///
    /// - Returns: How many rows were re-queued.
    func replayDeadLetters(destination: String?, since: Date?, until: Date?, by actor: String) async throws(StoreError)
        -> Int

    /// Outbox counts per destination.
    func outboxStats() async throws(StoreError) -> [DestinationStats]

    /// Counts log entries at or after `since` per event, type, sender and destination (operator statistics).
    func logCounts(since: Date) async throws(StoreError) -> [LogCount]

    /// Walks the routing log's hash chain and names the first edited entry or the entry after a deleted one.
    ///
    /// Each node's chain starts at its latest ``LogCheckpoint`` (left by ``pruneMetadata(before:limit:)``), or at
    /// ``LogChain/genesis`` if it has none: the first retained entry must link to the checkpoint's hash.
    func verifyLog() async throws(StoreError) -> LogVerification

    /// Retention: empties the bodies of up to `limit` messages received before `receivedBefore` whose deliveries
    /// are all finished (delivered or dead, or that have none), oldest first, and marks them pruned.
    ///
    /// A body still needed by a pending or held row is never pruned. Metadata, keys and outbox rows stay. Logs one
    /// `pruned` event (`{"what":"bodies","count":n,"cutoff":...}`) when anything was pruned. A pruned message can
    /// no longer be replayed: ``replay(_:destination:by:)`` throws ``StoreError/Code/bodyPruned`` and
    /// ``replayDeadLetters(destination:since:until:by:)`` skips it. Runs as one small write transaction through
    /// the store's writer, so ingest interleaves between batches.
    /// - Returns: How many bodies were pruned (0: nothing left to prune before that date).
    func pruneBodies(receivedBefore: Date, limit: Int) async throws(StoreError) -> Int

    /// Retention: deletes, oldest first, up to `limit` messages received before `before` (with their keys and
    /// outbox rows) whose deliveries are all finished, and up to `limit` routing-log entries from the start of
    /// the log that happened before `before`.
    ///
    /// Log entries are deleted only as a prefix of the log (by sequence number, stopping at the first entry
    /// at or after `before`), so every node's retained chain stays contiguous. In the same transaction, for
    /// each node that loses entries, a ``LogCheckpoint`` records the hash of its last deleted entry;
    /// ``verifyLog()`` starts that node's chain from it. A checkpoint proves the chain is unbroken from the cut
    /// on; it says nothing about the content before the cut (that is what pruning means). Exporting or signing
    /// checkpoints elsewhere would make the cut itself tamper-evident (not built). Log entries are deleted by
    /// age alone, also those of a message that is still pending (its row stays). Logs one `pruned` event
    /// (`{"what":"metadata","messages":n,"log_entries":m,"cutoff":...}`) when anything was deleted.
    ///
    /// Pass a date in the past: each batch's own `pruned` event is stamped with the current time, so with a
    /// cutoff in the future a caller looping until 0 would delete its own summaries forever.
    /// - Returns: Messages plus log entries deleted (0: nothing left to delete before that date).
    func pruneMetadata(before: Date, limit: Int) async throws(StoreError) -> Int

    /// Finishes queued writes and closes the database; later calls fail with ``StoreError/Code/closed``.
    func close()
}
