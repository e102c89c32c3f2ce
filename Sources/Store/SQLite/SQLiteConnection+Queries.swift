import Foundation
import Messages

/// Read queries, run on reader connections.
extension SQLiteConnection {
    static let logColumns = "seq, node, at, message_id, destination, event, type, sender, detail, actor, prev_hash, hash"

    func message(_ id: MessageID) throws(StoreError) -> CanonicalMessage? {
        try messages([id])[id]
    }

    /// The messages with these ids (unknown ids are absent), with their business keys.
    func messages(_ ids: [MessageID]) throws(StoreError) -> [MessageID: CanonicalMessage] {
        var found: [MessageID: CanonicalMessage] = [:]
        let row = try statement(
            """
            SELECT id, type, sender, idem_key, content_hash, correlation_id, received_at, body, attributes
            FROM messages WHERE id = ?1
            """
        )
        let keys = try statement("SELECT kind, value FROM message_keys WHERE message_id = ?1")
        for id in ids where found[id] == nil {
            row.reset()
            row.bind(1, id.rawValue)
            guard try row.step() else { continue }
            var message = CanonicalMessage(
                id: id,
                type: MessageType(row.text(1)),
                sender: row.text(2),
                idempotencyKey: row.text(3),
                receivedAt: row.date(6),
                correlationId: row.text(5),
                body: row.blob(7),
                attributes: Self.attributes(row.text(8))
            )
            message.contentHash = row.text(4)
            row.reset()
            keys.reset()
            keys.bind(1, id.rawValue)
            while try keys.step() {
                message.businessKeys.append(BusinessKey(kind: keys.text(0), value: keys.text(1)))
            }
            keys.reset()
            found[id] = message
        }
        return found
    }

    private static func attributes(_ json: String) -> [String: String] {
        guard json != "{}" else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }

    func deliveries(of id: MessageID) throws(StoreError) -> [DeliveryRecord] {
        let statement = try statement(
            """
            SELECT destination, status, attempts, next_attempt_at, lease_until, last_status, last_error, last_response,
                delivered_at, external_ref, updated_at
            FROM outbox WHERE message_id = ?1 ORDER BY destination
            """
        )
        statement.bind(1, id.rawValue)
        var records: [DeliveryRecord] = []
        while try statement.step() {
            records.append(
                DeliveryRecord(
                    destination: statement.text(0),
                    status: DeliveryStatus(rawValue: statement.text(1)) ?? .pending,
                    attempts: statement.int(2),
                    nextAttemptAt: statement.date(3),
                    leaseUntil: statement.optionalDate(4),
                    lastStatus: statement.optionalInt(5),
                    lastError: statement.optionalText(6),
                    lastResponse: statement.optionalText(7),
                    deliveredAt: statement.optionalDate(8),
                    externalRef: statement.optionalText(9),
                    updatedAt: statement.date(10)
                )
            )
        }
        statement.reset()
        return records
    }

    func logEntry(_ statement: SQLiteStatement) -> LogEntry {
        LogEntry(
            seq: statement.int64(0),
            node: statement.text(1),
            at: statement.date(2),
            messageId: statement.optionalText(3).flatMap(MessageID.init),
            destination: statement.optionalText(4),
            event: statement.text(5),
            type: statement.optionalText(6),
            sender: statement.optionalText(7),
            detail: statement.text(8),
            actor: statement.optionalText(9),
            prevHash: statement.text(10),
            hash: statement.text(11)
        )
    }

    func timeline(of id: MessageID) throws(StoreError) -> [LogEntry] {
        let statement = try statement("SELECT \(Self.logColumns) FROM log WHERE message_id = ?1 ORDER BY seq")
        statement.bind(1, id.rawValue)
        var entries: [LogEntry] = []
        while try statement.step() { entries.append(logEntry(statement)) }
        statement.reset()
        return entries
    }

    /// Pages through the log. The SQL text depends only on which filters are set, so it is cached per shape.
    func searchLog(_ filter: LogFilter, after cursor: LogCursor?, limit: Int) throws(StoreError) -> LogPage {
        var clauses: [String] = []
        var bindings: [(Int32, String?)] = []
        var integerBindings: [(Int32, Int64)] = []
        func text(_ column: String, _ value: String?, _ index: Int32) {
            guard let value else { return }
            clauses.append("\(column) = ?\(index)")
            bindings.append((index, value))
        }
        text("type", filter.type, 1)
        text("sender", filter.sender, 2)
        text("destination", filter.destination, 3)
        text("event", filter.event, 4)
        text("message_id", filter.messageId?.rawValue, 5)
        if let citizen = filter.citizen {
            clauses.append(
                "(message_id IN (SELECT message_id FROM message_keys WHERE value = ?6 AND kind = 'citizen')"
                    + " OR seq IN (SELECT seq FROM log_keys WHERE value = ?6 AND kind = 'citizen'))"
            )
            bindings.append((6, citizen))
        }
        if let key = filter.key {
            clauses.append(
                "(message_id IN (SELECT message_id FROM message_keys WHERE value = ?7)"
                    + " OR seq IN (SELECT seq FROM log_keys WHERE value = ?7))"
            )
            bindings.append((7, key))
        }
        if let since = filter.since {
            clauses.append("at >= ?8")
            integerBindings.append((8, SQLiteStatement.millis(since)))
        }
        if let until = filter.until {
            clauses.append("at < ?9")
            integerBindings.append((9, SQLiteStatement.millis(until)))
        }
        if let cursor {
            clauses.append(filter.oldestFirst ? "seq > ?10" : "seq < ?10")
            integerBindings.append((10, cursor.seq))
        }
        let whereClause = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        let order = filter.oldestFirst ? "ASC" : "DESC"
        let statement = try statement(
            "SELECT \(Self.logColumns) FROM log\(whereClause) ORDER BY seq \(order) LIMIT ?11"
        )
        for (index, value) in bindings { statement.bind(index, value) }
        for (index, value) in integerBindings { statement.bind(index, value) }
        statement.bind(11, Int64(limit + 1))
        var entries: [LogEntry] = []
        while try statement.step() { entries.append(logEntry(statement)) }
        statement.reset()
        var next: LogCursor?
        if entries.count > limit {
            entries.removeLast()
            next = entries.last.map { LogCursor(seq: $0.seq) }
        }
        return LogPage(entries: entries, next: next)
    }

    func outboxStats(now: Date) throws(StoreError) -> [DestinationStats] {
        let statement = try statement(
            """
            SELECT destination,
                SUM(status = 'pending' AND (lease_until IS NULL OR lease_until <= ?1)),
                SUM(status = 'pending' AND lease_until > ?1),
                SUM(status = 'held'), SUM(status = 'delivered'), SUM(status = 'dead'),
                MIN(CASE WHEN status = 'pending' THEN received_at END)
            FROM outbox GROUP BY destination ORDER BY destination
            """
        )
        statement.bind(1, now)
        var stats: [DestinationStats] = []
        while try statement.step() {
            stats.append(
                DestinationStats(
                    destination: statement.text(0),
                    pending: statement.int(1),
                    inflight: statement.int(2),
                    held: statement.int(3),
                    delivered: statement.int(4),
                    dead: statement.int(5),
                    oldestPendingReceivedAt: statement.optionalDate(6)
                )
            )
        }
        statement.reset()
        return stats
    }

    /// Recomputes every entry's hash in sequence order, one chain per node.
    func verifyLog() throws(StoreError) -> LogVerification {
        let statement = try statement("SELECT \(Self.logColumns) FROM log ORDER BY seq")
        defer { statement.reset() }
        var heads: [String: String] = [:]
        var checked = 0
        var chains: [String: Int] = [:]
        while try statement.step() {
            let seq = statement.int64(0)
            let node = statement.text(1)
            let prevHash = statement.text(10)
            let expectedPrev = heads[node] ?? LogChain.genesis
            if prevHash != expectedPrev {
                return LogVerification(
                    ok: false,
                    checked: checked,
                    firstBad: seq,
                    reason: "entry \(seq) does not link to node \(node)'s previous entry: "
                        + "an entry before it was deleted or altered"
                )
            }
            let hash = LogChain.hash(
                prevHash: prevHash,
                seq: seq,
                node: node,
                atMillis: statement.int64(2),
                messageId: statement.optionalText(3),
                destination: statement.optionalText(4),
                event: statement.text(5),
                type: statement.optionalText(6),
                sender: statement.optionalText(7),
                detail: statement.text(8),
                actor: statement.optionalText(9)
            )
            if hash != statement.text(11) {
                return LogVerification(
                    ok: false,
                    checked: checked,
                    firstBad: seq,
                    reason: "entry \(seq)'s fields do not match its hash: it was edited"
                )
            }
            heads[node] = hash
            chains[node, default: 0] += 1
            checked += 1
        }
        return LogVerification(ok: true, checked: checked, chains: chains)
    }
}
