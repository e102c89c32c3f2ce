import Foundation
import Messages

extension PostgresWriteSession {
    /// Inserts each admission unless its `(sender, idem_key)` exists; a collision (also with an earlier
    /// admission of the same batch, or another node's) yields a duplicate result and a `duplicate` /
    /// `conflict` log event.
    func admit(_ admissions: [PreparedAdmission]) throws(StoreError) -> [AdmissionResult] {
        var results: [AdmissionResult] = []
        results.reserveCapacity(admissions.count)
        for admission in admissions {
            results.append(try admit(admission))
        }
        return results
    }

    /// One round trip stores message, keys, outbox rows and log entries: every insert after the first reads
    /// the message insert's `RETURNING`, so a conflict inserts nothing (and the chain head stays put).
    private func admit(_ admission: PreparedAdmission) throws(StoreError) -> AdmissionResult {
        let message = admission.message
        let received = PGParam.millis(message.receivedAt)
        // Events about this message are found by its keys through message_keys.
        let log = PGLogRows(admission.events, node: node, head: mark()) { $0.messageId != message.id }
        var sql = """
            WITH m AS (
                INSERT INTO messages(id, type, sender, idem_key, content_hash, correlation_id, received_at, body,
                    attributes)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (sender, idem_key) DO NOTHING
                RETURNING id
            ), k AS (
                INSERT INTO message_keys(message_id, kind, value)
                SELECT DISTINCT m.id, x.kind, x.value FROM m, unnest($10::text[], $11::text[]) AS x(kind, value)
                ON CONFLICT DO NOTHING
            ), o AS (
                INSERT INTO outbox(message_id, destination, status, received_at, next_attempt_at, updated_at)
                SELECT m.id, x.destination, x.status, $7::bigint, x.next_attempt_at, $12::bigint
                FROM m, unnest($13::text[], $14::text[], $15::bigint[]) AS x(destination, status, next_attempt_at)
            ), l AS (
                INSERT INTO \(PGLogRows.insertColumns)
                \(PGLogRows.select(from: 16)) WHERE EXISTS (SELECT 1 FROM m)
            )
            """
        var params: [PGParam] = [
            .text(message.id.rawValue), .text(message.type.rawValue), .text(message.sender),
            .text(message.idempotencyKey), .text(message.contentHash), .text(message.correlationId),
            .int(received), .binary(message.body), .text(admission.attributesJSON),
            .textArray(message.businessKeys.map(\.kind)), .textArray(message.businessKeys.map(\.value)),
            .millis(Date()),
            .textArray(admission.destinations.map(\.destination)),
            .textArray(admission.destinations.map { ($0.held ? DeliveryStatus.held : .pending).rawValue }),
            .intArray(admission.destinations.map { $0.notBefore.map(PGParam.millis) ?? received }),
        ]
        params += log.params(node: node)
        if log.hasKeys {
            sql += """
                , lk AS (
                    INSERT INTO log_keys(value, kind, seq)
                    \(PGLogRows.selectKeys(from: 28)) WHERE EXISTS (SELECT 1 FROM m)
                    ON CONFLICT DO NOTHING
                )
                """
            params += log.keyParams
        }
        let inserted = try db.query(sql + "\nSELECT count(*) FROM m", params)
        guard inserted.int64(0, 0) == 1 else { return .duplicate(try duplicate(of: message)) }
        advance(to: log.end)
        return .stored(message.id)
    }

    private func duplicate(of message: CanonicalMessage) throws(StoreError) -> AdmissionResult.Duplicate {
        let rows = try db.query(
            """
            SELECT m.id, m.content_hash, m.received_at, o.destination, o.status
            FROM messages m LEFT JOIN outbox o ON o.message_id = m.id
            WHERE m.sender = $1 AND m.idem_key = $2
            """,
            [.text(message.sender), .text(message.idempotencyKey)]
        )
        guard rows.rows > 0, let originalId = MessageID(rows.text(0, 0)) else {
            throw StoreError(
                code: .corrupt,
                message: "\(db.url.redacted): insert of \(message.sender)/\(message.idempotencyKey) conflicted, "
                    + "but no valid original row was found"
            )
        }
        let sameContent = rows.text(0, 1) == message.contentHash
        let receivedAt = rows.date(0, 2)
        var deliveries: [String: DeliveryStatus] = [:]
        for row in 0..<rows.rows where !rows.isNull(row, 3) {
            deliveries[rows.text(row, 3)] = DeliveryStatus(rawValue: rows.text(row, 4)) ?? .pending
        }
        try appendLog(
            [
                LogEvent(
                    at: message.receivedAt,
                    messageId: originalId,
                    event: sameContent ? "duplicate" : "conflict",
                    detail: "{\"duplicate_id\":\"\(message.id.rawValue)\",\"content_hash\":\"\(message.contentHash)\","
                        + "\"correlation_id\":\(JSONText.quote(message.correlationId))}",
                    type: message.type.rawValue,
                    sender: message.sender
                )
            ]
        ) { _ in false }
        return AdmissionResult.Duplicate(
            originalId: originalId,
            sameContent: sameContent,
            originalReceivedAt: receivedAt,
            originalDeliveries: deliveries
        )
    }
}
