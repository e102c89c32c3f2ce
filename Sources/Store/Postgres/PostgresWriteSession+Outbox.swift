import Foundation
import Messages

extension PostgresWriteSession {
    /// Applies attempt outcomes (see ``MessageStore/complete(_:)``).
    func complete(_ outcomes: [AttemptOutcome]) throws(StoreError) {
        // Every statement here runs under the cluster-wide log lock, so round trips per outcome are what limits
        // delivery throughput: the messages' type and sender come in one query, and deliveries (the common
        // outcome) are recorded by one statement for the whole batch.
        var cache = try typesAndSenders(of: outcomes.filter { !$0.events.isEmpty }.map(\.messageId))
        let now = PGParam.millis(Date())
        var events: [LogEvent] = []
        let pairs = Set(outcomes.map { "\($0.messageId.rawValue) \($0.destination)" })
        let batched = pairs.count == outcomes.count ? outcomes.filter(\.isDelivery) : []
        if !batched.isEmpty { try markDelivered(batched, now: now) }
        for outcome in outcomes {
            let id = PGParam.text(outcome.messageId.rawValue)
            let destination = PGParam.text(outcome.destination)
            let status = PGParam.int(outcome.statusCode)
            let response = PGParam.string(outcome.response.map(SQLiteWriteSession.truncated))
            let reference = PGParam.string(outcome.externalRef)
            let token = PGParam.int(outcome.claimToken)
            switch outcome.disposition {
            case .delivered where !batched.isEmpty:
                break  // recorded by markDelivered
            case .delivered(let at):
                try db.query(
                    """
                    UPDATE outbox SET status = 'delivered', delivered_at = $3, lease_until = NULL, last_status = $4,
                        last_error = $5, last_response = $6, external_ref = COALESCE($7, external_ref), updated_at = $8
                    WHERE message_id = $1 AND destination = $2 AND status <> 'delivered'
                    """,
                    [id, destination, .millis(at), status, .string(outcome.error), response, reference, .int(now)]
                )
            case .retry(let at):
                try db.query(
                    """
                    UPDATE outbox SET status = 'pending', next_attempt_at = $3, lease_until = NULL, last_status = $4,
                        last_error = $5, last_response = $6, external_ref = COALESCE($7, external_ref), updated_at = $8
                    WHERE message_id = $1 AND destination = $2 AND status IN ('pending', 'held')
                      AND ($9::bigint IS NULL OR claims = $9)
                    """,
                    [
                        id, destination, .millis(at), status, .string(outcome.error), response, reference, .int(now),
                        token,
                    ]
                )
            case .dead(let reason):
                try db.query(
                    """
                    UPDATE outbox SET status = 'dead', lease_until = NULL, last_status = $4, last_error = $3,
                        last_response = $5, external_ref = COALESCE($6, external_ref), updated_at = $7
                    WHERE message_id = $1 AND destination = $2 AND status IN ('pending', 'held')
                      AND ($8::bigint IS NULL OR claims = $8)
                    """,
                    [
                        id, destination, .text(outcome.error.map { "\(reason): \($0)" } ?? reason), status, response,
                        reference, .int(now), token,
                    ]
                )
            case .held:
                try db.query(
                    """
                    UPDATE outbox SET status = 'held', lease_until = NULL, last_status = $3, last_error = $4,
                        last_response = $5, external_ref = COALESCE($6, external_ref), updated_at = $7
                    WHERE message_id = $1 AND destination = $2 AND status IN ('pending', 'held')
                      AND ($8::bigint IS NULL OR claims = $8)
                    """,
                    [id, destination, status, .string(outcome.error), response, reference, .int(now), token]
                )
            }
            for event in outcome.events {
                var event = event
                if event.messageId == nil { event.messageId = outcome.messageId }
                if event.destination == nil { event.destination = outcome.destination }
                events.append(try filled(event, cache: &cache))
            }
        }
        try appendLog(events) { _ in false }
    }

    /// The type and sender of each message, in one query.
    private func typesAndSenders(of ids: [MessageID]) throws(StoreError) -> [MessageID: (type: String, sender: String)] {
        guard !ids.isEmpty else { return [:] }
        let rows = try db.query(
            "SELECT id, type, sender FROM messages WHERE id = ANY($1::text[])",
            [.textArray(ids.map(\.rawValue))]
        )
        var known: [MessageID: (type: String, sender: String)] = [:]
        for row in 0..<rows.rows {
            if let id = MessageID(rows.text(row, 0)) { known[id] = (rows.text(row, 1), rows.text(row, 2)) }
        }
        return known
    }

    /// Marks delivered rows in one statement (same effect as one `UPDATE` per outcome: a row already delivered
    /// is left alone).
    private func markDelivered(_ outcomes: [AttemptOutcome], now: Int64) throws(StoreError) {
        var deliveredAt: [Int64?] = []
        for outcome in outcomes {
            if case .delivered(let at) = outcome.disposition { deliveredAt.append(PGParam.millis(at)) } else { deliveredAt.append(nil) }
        }
        try db.query(
            """
            UPDATE outbox o SET status = 'delivered', delivered_at = x.at, lease_until = NULL, last_status = x.status,
                last_error = x.error, last_response = x.response, external_ref = COALESCE(x.ref, o.external_ref),
                updated_at = $8
            FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[], $5::text[], $6::text[], $7::text[])
                AS x(id, destination, at, status, error, response, ref)
            WHERE o.message_id = x.id AND o.destination = x.destination AND o.status <> 'delivered'
            """,
            [
                .textArray(outcomes.map(\.messageId.rawValue)), .textArray(outcomes.map(\.destination)),
                .intArray(deliveredAt), .intArray(outcomes.map { $0.statusCode.map(Int64.init) }),
                .textArray(outcomes.map(\.error)), .textArray(outcomes.map { $0.response.map(SQLiteWriteSession.truncated) }),
                .textArray(outcomes.map(\.externalRef)), .int(now),
            ]
        )
    }

    /// Re-queues rows as pending now and logs `replayed` for each (see ``MessageStore/replay(_:destination:by:)``).
    func requeue(_ rows: [(id: MessageID, destination: String, from: String)], by actor: String, now: Date)
        throws(StoreError) -> Int
    {
        var cache: [MessageID: (type: String, sender: String)] = [:]
        var events: [LogEvent] = []
        for row in rows {
            let update = try db.query(
                """
                UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $3, lease_until = NULL,
                    delivered_at = NULL, updated_at = $3
                WHERE message_id = $1 AND destination = $2 AND status IN ('delivered', 'dead')
                """,
                [.text(row.id.rawValue), .text(row.destination), .millis(now)]
            )
            guard update.affected == 1 else { continue }
            let event = LogEvent(
                at: now,
                messageId: row.id,
                destination: row.destination,
                event: "replayed",
                detail: "{\"from\":\(JSONText.quote(row.from))}",
                actor: actor
            )
            events.append(try filled(event, cache: &cache))
        }
        try appendLog(events) { _ in false }
        return events.count
    }

    /// A message's delivered or dead rows (all destinations, or one).
    ///
    /// - Throws: ``StoreError/Code/bodyPruned`` if there are such rows but retention emptied the body.
    func replayable(_ id: MessageID, destination: String?) throws(StoreError)
        -> [(id: MessageID, destination: String, from: String)]
    {
        let rows = try db.query(
            """
            SELECT o.destination, o.status, m.body_pruned_at IS NOT NULL
            FROM outbox o JOIN messages m ON m.id = o.message_id
            WHERE o.message_id = $1 AND ($2::text IS NULL OR o.destination = $2) AND o.status IN ('delivered', 'dead')
            ORDER BY o.destination
            """,
            [.text(id.rawValue), .string(destination)]
        )
        if rows.rows > 0 && rows.text(0, 2) == "t" { throw .bodyPruned(id.rawValue) }
        return (0..<rows.rows).map { (id, rows.text($0, 0), rows.text($0, 1)) }
    }

    /// Dead rows, optionally of one destination, dead-lettered within `since..<until`, whose body retention
    /// has not pruned (those can never be delivered again).
    func deadLetters(destination: String?, since: Date?, until: Date?) throws(StoreError)
        -> [(id: MessageID, destination: String, from: String)]
    {
        let rows = try db.query(
            """
            SELECT message_id, destination FROM outbox
            WHERE status = 'dead' AND ($1::text IS NULL OR destination = $1)
              AND ($2::bigint IS NULL OR updated_at >= $2) AND ($3::bigint IS NULL OR updated_at < $3)
              AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = outbox.message_id AND m.body_pruned_at IS NOT NULL)
            ORDER BY updated_at
            """,
            [.string(destination), .millis(since), .millis(until)]
        )
        return (0..<rows.rows).compactMap { row in
            MessageID(rows.text(row, 0)).map { ($0, rows.text(row, 1), "dead") }
        }
    }
}

extension AttemptOutcome {
    /// Whether the attempt delivered the message.
    fileprivate var isDelivery: Bool {
        if case .delivered = disposition { return true }
        return false
    }
}
