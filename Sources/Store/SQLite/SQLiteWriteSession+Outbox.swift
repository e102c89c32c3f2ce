import Foundation
import Messages

extension SQLiteWriteSession {
    /// Leases due rows of one destination (see ``MessageStore/claim(destination:limit:lease:now:)``).
    func claim(destination: String, limit: Int, leaseUntil: Date, now: Date) throws(StoreError) -> [ClaimedRow] {
        let statement = try db.statement(
            """
            UPDATE outbox SET lease_until = ?1, attempts = attempts + 1, claims = claims + 1, updated_at = ?2
            WHERE rowid IN (
                SELECT rowid FROM outbox
                WHERE destination = ?3 AND status = 'pending' AND next_attempt_at <= ?2
                  AND (lease_until IS NULL OR lease_until <= ?2)
                ORDER BY next_attempt_at LIMIT ?4)
            RETURNING message_id, attempts, claims, next_attempt_at, last_status, external_ref
            """
        )
        statement.bind(1, leaseUntil)
        statement.bind(2, now)
        statement.bind(3, destination)
        statement.bind(4, limit)
        var rows: [ClaimedRow] = []
        while try statement.step() {
            guard let id = MessageID(statement.text(0)) else { continue }
            rows.append(
                ClaimedRow(
                    messageId: id,
                    attempt: statement.int(1),
                    claimToken: statement.int64(2),
                    nextAttemptAt: statement.int64(3),
                    lastStatus: statement.optionalInt(4),
                    externalRef: statement.optionalText(5)
                )
            )
        }
        statement.reset()
        return rows.sorted { ($0.nextAttemptAt, $0.messageId) < ($1.nextAttemptAt, $1.messageId) }
    }

    /// Applies attempt outcomes (see ``MessageStore/complete(_:)``).
    func complete(_ outcomes: [AttemptOutcome]) throws(StoreError) {
        var cache: [MessageID: (type: String, sender: String)] = [:]
        let now = Date()
        for outcome in outcomes {
            let statement: SQLiteStatement
            switch outcome.disposition {
            case .delivered(let at):
                statement = try db.statement(
                    """
                    UPDATE outbox SET status = 'delivered', delivered_at = ?3, lease_until = NULL, last_status = ?4,
                        last_error = ?5, last_response = ?6, external_ref = COALESCE(?7, external_ref), updated_at = ?8
                    WHERE message_id = ?1 AND destination = ?2 AND status <> 'delivered'
                    """
                )
                statement.bind(3, at)
            case .retry(let at):
                statement = try db.statement(
                    """
                    UPDATE outbox SET status = 'pending', next_attempt_at = ?3, lease_until = NULL, last_status = ?4,
                        last_error = ?5, last_response = ?6, external_ref = COALESCE(?7, external_ref), updated_at = ?8
                    WHERE message_id = ?1 AND destination = ?2 AND status IN ('pending', 'held')
                      AND (?9 IS NULL OR claims = ?9)
                    """
                )
                statement.bind(3, at)
                statement.bind(9, outcome.claimToken)
            case .dead(let reason):
                statement = try db.statement(
                    """
                    UPDATE outbox SET status = 'dead', lease_until = NULL, last_status = ?4, last_error = ?3,
                        last_response = ?6, external_ref = COALESCE(?7, external_ref), updated_at = ?8
                    WHERE message_id = ?1 AND destination = ?2 AND status IN ('pending', 'held')
                      AND (?9 IS NULL OR claims = ?9)
                    """
                )
                statement.bind(3, outcome.error.map { "\(reason): \($0)" } ?? reason)
                statement.bind(9, outcome.claimToken)
            case .held:
                statement = try db.statement(
                    """
                    UPDATE outbox SET status = 'held', lease_until = NULL, last_status = ?4, last_error = ?5,
                        last_response = ?6, external_ref = COALESCE(?7, external_ref), updated_at = ?8
                    WHERE message_id = ?1 AND destination = ?2 AND status IN ('pending', 'held')
                      AND (?9 IS NULL OR claims = ?9)
                    """
                )
                statement.bind(9, outcome.claimToken)
            }
            statement.bind(1, outcome.messageId.rawValue)
            statement.bind(2, outcome.destination)
            statement.bind(4, outcome.statusCode)
            statement.bind(5, outcome.error)
            statement.bind(6, outcome.response.map(Self.truncated))
            statement.bind(7, outcome.externalRef)
            statement.bind(8, now)
            try statement.run()
            for event in outcome.events {
                var event = event
                if event.messageId == nil { event.messageId = outcome.messageId }
                if event.destination == nil { event.destination = outcome.destination }
                try appendLog(try filled(event, cache: &cache), indexKeys: false)
            }
        }
    }

    /// Re-queues rows as pending now and logs `replayed` for each (see ``MessageStore/replay(_:destination:by:)``).
    func requeue(_ rows: [(id: MessageID, destination: String, from: String)], by actor: String, now: Date)
        throws(StoreError) -> Int
    {
        var cache: [MessageID: (type: String, sender: String)] = [:]
        let update = try db.statement(
            """
            UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?3, lease_until = NULL,
                delivered_at = NULL, updated_at = ?3
            WHERE message_id = ?1 AND destination = ?2 AND status IN ('delivered', 'dead')
            """
        )
        var count = 0
        for row in rows {
            update.reset()
            update.bind(1, row.id.rawValue)
            update.bind(2, row.destination)
            update.bind(3, now)
            try update.run()
            guard db.changes == 1 else { continue }
            count += 1
            let event = LogEvent(
                at: now,
                messageId: row.id,
                destination: row.destination,
                event: "replayed",
                detail: "{\"from\":\(JSONText.quote(row.from))}",
                actor: actor
            )
            try appendLog(try filled(event, cache: &cache), indexKeys: false)
        }
        return count
    }

    /// A message's delivered or dead rows (all destinations, or one).
    ///
    /// - Throws: ``StoreError/Code/bodyPruned`` if there are such rows but retention emptied the body.
    func replayable(_ id: MessageID, destination: String?) throws(StoreError)
        -> [(id: MessageID, destination: String, from: String)]
    {
        let pruned = try db.statement("SELECT body_pruned_at IS NOT NULL FROM messages WHERE id = ?1")
        pruned.bind(1, id.rawValue)
        let isPruned = try pruned.step() && pruned.int(0) == 1
        pruned.reset()
        let statement = try db.statement(
            """
            SELECT destination, status FROM outbox
            WHERE message_id = ?1 AND (?2 IS NULL OR destination = ?2) AND status IN ('delivered', 'dead')
            ORDER BY destination
            """
        )
        statement.bind(1, id.rawValue)
        statement.bind(2, destination)
        var rows: [(id: MessageID, destination: String, from: String)] = []
        while try statement.step() {
            rows.append((id, statement.text(0), statement.text(1)))
        }
        statement.reset()
        if isPruned && !rows.isEmpty { throw .bodyPruned(id.rawValue) }
        return rows
    }

    /// Dead rows, optionally of one destination, dead-lettered within `since..<until`, whose body retention
    /// has not pruned (those can never be delivered again).
    func deadLetters(destination: String?, since: Date?, until: Date?) throws(StoreError)
        -> [(id: MessageID, destination: String, from: String)]
    {
        let statement = try db.statement(
            """
            SELECT message_id, destination FROM outbox
            WHERE status = 'dead' AND (?1 IS NULL OR destination = ?1)
              AND (?2 IS NULL OR updated_at >= ?2) AND (?3 IS NULL OR updated_at < ?3)
              AND NOT EXISTS (SELECT 1 FROM messages AS m WHERE m.id = message_id AND m.body_pruned_at IS NOT NULL)
            ORDER BY updated_at
            """
        )
        statement.bind(1, destination)
        statement.bind(2, since)
        statement.bind(3, until)
        var rows: [(id: MessageID, destination: String, from: String)] = []
        while try statement.step() {
            if let id = MessageID(statement.text(0)) { rows.append((id, statement.text(1), "dead")) }
        }
        statement.reset()
        return rows
    }

    /// At most 4 KiB of UTF-8, cut at a character boundary.
    static func truncated(_ text: String) -> String {
        let limit = 4096
        let utf8 = Array(text.utf8)
        guard utf8.count > limit else { return text }
        var end = limit
        // Back off continuation bytes (10xxxxxx) so no character is split.
        while end > 0 && utf8[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: utf8[..<end], as: UTF8.self)
    }
}
