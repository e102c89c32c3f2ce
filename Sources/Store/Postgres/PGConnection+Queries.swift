import Foundation
import Messages

/// Read queries and the claim, run on pool connections outside any explicit transaction.
extension PGConnection {
    static let logColumns =
        "seq, node, at, message_id, destination, event, type, sender, detail, actor, prev_hash, hash"

    /// Leases due rows of one destination in one autocommitted statement (durable when it returns). Rows
    /// locked by another node's claim are skipped, not waited for; expired leases are claimable by anyone.
    func claim(destination: String, limit: Int, leaseUntil: Date, now: Date) throws(StoreError) -> [OutboxItem] {
        let rows = try query(
            """
            WITH claimed AS (
                UPDATE outbox SET lease_until = $1, attempts = attempts + 1, claims = claims + 1, updated_at = $2
                WHERE (message_id, destination) IN (
                    SELECT message_id, destination FROM outbox
                    WHERE destination = $3 AND status = 'pending' AND next_attempt_at <= $2
                      AND (lease_until IS NULL OR lease_until <= $2)
                    ORDER BY next_attempt_at LIMIT $4
                    FOR UPDATE SKIP LOCKED)
                RETURNING message_id, attempts, claims, next_attempt_at, last_status, external_ref
            )
            SELECT c.message_id, c.attempts, c.claims, c.last_status, c.external_ref,
                m.type, m.sender, m.idem_key, m.content_hash, m.correlation_id, m.received_at, m.body, m.attributes
            FROM claimed c JOIN messages m ON m.id = c.message_id
            ORDER BY c.next_attempt_at, c.message_id
            """,
            [.millis(leaseUntil), .millis(now), .text(destination), .int(limit)]
        )
        var items: [OutboxItem] = []
        var ids: [String] = []
        for row in 0..<rows.rows {
            guard let id = MessageID(rows.text(row, 0)) else { continue }
            var message = CanonicalMessage(
                id: id,
                type: MessageType(rows.text(row, 5)),
                sender: rows.text(row, 6),
                idempotencyKey: rows.text(row, 7),
                receivedAt: rows.date(row, 10),
                correlationId: rows.text(row, 9),
                body: rows.bytes(row, 11),
                attributes: Self.attributes(rows.text(row, 12))
            )
            message.contentHash = rows.text(row, 8)
            ids.append(id.rawValue)
            items.append(
                OutboxItem(
                    message: message,
                    destination: destination,
                    attempt: rows.int(row, 1),
                    claimToken: rows.int64(row, 2),
                    leaseUntil: leaseUntil,
                    lastStatus: rows.optionalInt(row, 3),
                    externalRef: rows.optionalText(row, 4)
                )
            )
        }
        guard !items.isEmpty else { return [] }
        let keys = try businessKeys(ids)
        for index in items.indices {
            items[index].message.businessKeys = keys[items[index].message.id] ?? []
        }
        return items
    }

    /// The business keys of these messages.
    private func businessKeys(_ ids: [String]) throws(StoreError) -> [MessageID: [BusinessKey]] {
        let rows = try query(
            "SELECT message_id, kind, value FROM message_keys WHERE message_id = ANY($1::text[])",
            [.textArray(ids)]
        )
        var keys: [MessageID: [BusinessKey]] = [:]
        for row in 0..<rows.rows {
            guard let id = MessageID(rows.text(row, 0)) else { continue }
            keys[id, default: []].append(BusinessKey(kind: rows.text(row, 1), value: rows.text(row, 2)))
        }
        return keys
    }

    func message(_ id: MessageID) throws(StoreError) -> CanonicalMessage? {
        let row = try query(
            """
            SELECT type, sender, idem_key, content_hash, correlation_id, received_at, body, attributes
            FROM messages WHERE id = $1
            """,
            [.text(id.rawValue)]
        )
        guard row.rows > 0 else { return nil }
        var message = CanonicalMessage(
            id: id,
            type: MessageType(row.text(0, 0)),
            sender: row.text(0, 1),
            idempotencyKey: row.text(0, 2),
            receivedAt: row.date(0, 5),
            correlationId: row.text(0, 4),
            body: row.bytes(0, 6),
            attributes: Self.attributes(row.text(0, 7))
        )
        message.contentHash = row.text(0, 3)
        message.businessKeys = try businessKeys([id.rawValue])[id] ?? []
        return message
    }

    private static func attributes(_ json: String) -> [String: String] {
        guard json != "{}" else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }

    func deliveries(of id: MessageID) throws(StoreError) -> [DeliveryRecord] {
        let rows = try query(
            """
            SELECT destination, status, attempts, next_attempt_at, lease_until, last_status, last_error, last_response,
                delivered_at, external_ref, updated_at
            FROM outbox WHERE message_id = $1 ORDER BY destination
            """,
            [.text(id.rawValue)]
        )
        return (0..<rows.rows).map { row in
            DeliveryRecord(
                destination: rows.text(row, 0),
                status: DeliveryStatus(rawValue: rows.text(row, 1)) ?? .pending,
                attempts: rows.int(row, 2),
                nextAttemptAt: rows.date(row, 3),
                leaseUntil: rows.optionalDate(row, 4),
                lastStatus: rows.optionalInt(row, 5),
                lastError: rows.optionalText(row, 6),
                lastResponse: rows.optionalText(row, 7),
                deliveredAt: rows.optionalDate(row, 8),
                externalRef: rows.optionalText(row, 9),
                updatedAt: rows.date(row, 10)
            )
        }
    }

    private static func logEntries(_ rows: PGResult) -> [LogEntry] {
        (0..<rows.rows).map { row in
            LogEntry(
                seq: rows.int64(row, 0),
                node: rows.text(row, 1),
                at: rows.date(row, 2),
                messageId: rows.optionalText(row, 3).flatMap(MessageID.init),
                destination: rows.optionalText(row, 4),
                event: rows.text(row, 5),
                type: rows.optionalText(row, 6),
                sender: rows.optionalText(row, 7),
                detail: rows.text(row, 8),
                actor: rows.optionalText(row, 9),
                prevHash: rows.text(row, 10),
                hash: rows.text(row, 11)
            )
        }
    }

    func timeline(of id: MessageID) throws(StoreError) -> [LogEntry] {
        Self.logEntries(
            try query("SELECT \(Self.logColumns) FROM log WHERE message_id = $1 ORDER BY seq", [.text(id.rawValue)])
        )
    }

    /// Pages through the log (all nodes' entries, merged by sequence number). The SQL text depends only on
    /// which filters are set, so each shape is prepared once per connection.
    func searchLog(_ filter: LogFilter, after cursor: LogCursor?, limit: Int) throws(StoreError) -> LogPage {
        var clauses: [String] = []
        var params: [PGParam] = []
        func bind(_ param: PGParam) -> String {
            params.append(param)
            return "$\(params.count)"
        }
        func text(_ column: String, _ value: String?) {
            guard let value else { return }
            clauses.append("\(column) = \(bind(.text(value)))")
        }
        text("type", filter.type)
        text("sender", filter.sender)
        text("destination", filter.destination)
        text("event", filter.event)
        text("message_id", filter.messageId?.rawValue)
        if let citizen = filter.citizen {
            let p = bind(.text(citizen))
            clauses.append(
                "(message_id IN (SELECT message_id FROM message_keys WHERE value = \(p) AND kind = 'citizen')"
                    + " OR seq IN (SELECT seq FROM log_keys WHERE value = \(p) AND kind = 'citizen'))"
            )
        }
        if let key = filter.key {
            let p = bind(.text(key))
            clauses.append(
                "(message_id IN (SELECT message_id FROM message_keys WHERE value = \(p))"
                    + " OR seq IN (SELECT seq FROM log_keys WHERE value = \(p)))"
            )
        }
        if let since = filter.since { clauses.append("at >= \(bind(.millis(since)))") }
        if let until = filter.until { clauses.append("at < \(bind(.millis(until)))") }
        if let cursor {
            clauses.append((filter.oldestFirst ? "seq > " : "seq < ") + bind(.int(cursor.seq)))
        }
        let whereClause = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        let order = filter.oldestFirst ? "ASC" : "DESC"
        let limitParam = bind(.int(limit + 1))
        var entries = Self.logEntries(
            try query(
                "SELECT \(Self.logColumns) FROM log\(whereClause) ORDER BY seq \(order) LIMIT \(limitParam)",
                params
            )
        )
        var next: LogCursor?
        if entries.count > limit {
            entries.removeLast()
            next = entries.last.map { LogCursor(seq: $0.seq) }
        }
        return LogPage(entries: entries, next: next)
    }

    func outboxStats(now: Date) throws(StoreError) -> [DestinationStats] {
        let rows = try query(
            """
            SELECT destination,
                count(*) FILTER (WHERE status = 'pending' AND (lease_until IS NULL OR lease_until <= $1)),
                count(*) FILTER (WHERE status = 'pending' AND lease_until > $1),
                count(*) FILTER (WHERE status = 'held'), count(*) FILTER (WHERE status = 'delivered'),
                count(*) FILTER (WHERE status = 'dead'),
                MIN(received_at) FILTER (WHERE status = 'pending')
            FROM outbox GROUP BY destination ORDER BY destination
            """,
            [.millis(now)]
        )
        return (0..<rows.rows).map { row in
            DestinationStats(
                destination: rows.text(row, 0),
                pending: rows.int(row, 1),
                inflight: rows.int(row, 2),
                held: rows.int(row, 3),
                delivered: rows.int(row, 4),
                dead: rows.int(row, 5),
                oldestPendingReceivedAt: rows.optionalDate(row, 6)
            )
        }
    }

    /// Recomputes every entry's hash in sequence order, one chain per node, reading 5000 entries at a time.
    func verifyLog() throws(StoreError) -> LogVerification {
        var heads: [String: String] = [:]
        var checked = 0
        var chains: [String: Int] = [:]
        var after: Int64 = -1
        while true {
            let rows = try query(
                "SELECT \(Self.logColumns) FROM log WHERE seq > $1 ORDER BY seq LIMIT 5000",
                [.int(after)]
            )
            let page = Self.logEntries(rows)
            guard let last = page.last else { break }
            for (row, entry) in page.enumerated() {
                let expectedPrev = heads[entry.node] ?? LogChain.genesis
                if entry.prevHash != expectedPrev {
                    return LogVerification(
                        ok: false,
                        checked: checked,
                        firstBad: entry.seq,
                        reason: "entry \(entry.seq) does not link to node \(entry.node)'s previous entry: "
                            + "an entry before it was deleted or altered"
                    )
                }
                let hash = LogChain.hash(
                    prevHash: entry.prevHash,
                    seq: entry.seq,
                    node: entry.node,
                    atMillis: rows.int64(row, 2),
                    messageId: entry.messageId?.rawValue,
                    destination: entry.destination,
                    event: entry.event,
                    type: entry.type,
                    sender: entry.sender,
                    detail: entry.detail,
                    actor: entry.actor
                )
                if hash != entry.hash {
                    return LogVerification(
                        ok: false,
                        checked: checked,
                        firstBad: entry.seq,
                        reason: "entry \(entry.seq)'s fields do not match its hash: it was edited"
                    )
                }
                heads[entry.node] = hash
                chains[entry.node, default: 0] += 1
                checked += 1
            }
            after = last.seq
        }
        return LogVerification(ok: true, checked: checked, chains: chains)
    }
}
