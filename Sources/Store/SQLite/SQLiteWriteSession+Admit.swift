import Foundation
import Messages

extension SQLiteWriteSession {
    /// Inserts each admission unless its `(sender, idem_key)` exists; a collision (also with an earlier
    /// admission of the same batch) yields a duplicate result and a `duplicate` / `conflict` log event.
    func admit(_ admissions: [PreparedAdmission]) throws(StoreError) -> [AdmissionResult] {
        var results: [AdmissionResult] = []
        results.reserveCapacity(admissions.count)
        for admission in admissions {
            results.append(try admit(admission))
        }
        return results
    }

    private func admit(_ admission: PreparedAdmission) throws(StoreError) -> AdmissionResult {
        let message = admission.message
        let insert = try db.statement(
            """
            INSERT INTO messages(id, type, sender, idem_key, content_hash, correlation_id, received_at, body, attributes)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            ON CONFLICT(sender, idem_key) DO NOTHING
            """
        )
        insert.bind(1, message.id.rawValue)
        insert.bind(2, message.type.rawValue)
        insert.bind(3, message.sender)
        insert.bind(4, message.idempotencyKey)
        insert.bind(5, message.contentHash)
        insert.bind(6, message.correlationId)
        insert.bind(7, message.receivedAt)
        insert.bind(8, blob: message.body)
        insert.bind(9, admission.attributesJSON)
        try insert.run()
        guard db.changes == 1 else { return .duplicate(try duplicate(of: message)) }

        if !message.businessKeys.isEmpty {
            let key = try db.statement("INSERT OR IGNORE INTO message_keys(message_id, kind, value) VALUES (?1, ?2, ?3)")
            for businessKey in message.businessKeys {
                key.reset()
                key.bind(1, message.id.rawValue)
                key.bind(2, businessKey.kind)
                key.bind(3, businessKey.value)
                try key.run()
            }
        }
        if !admission.destinations.isEmpty {
            let outbox = try db.statement(
                """
                INSERT INTO outbox(message_id, destination, status, received_at, next_attempt_at, updated_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                """
            )
            let received = SQLiteStatement.millis(message.receivedAt)
            let now = SQLiteStatement.millis(Date())
            for target in admission.destinations {
                outbox.reset()
                outbox.bind(1, message.id.rawValue)
                outbox.bind(2, target.destination)
                outbox.bind(3, (target.held ? DeliveryStatus.held : .pending).rawValue)
                outbox.bind(4, received)
                outbox.bind(5, target.notBefore.map(SQLiteStatement.millis) ?? received)
                outbox.bind(6, now)
                try outbox.run()
            }
        }
        for event in admission.events {
            // Events about this message are found by its keys through message_keys.
            try appendLog(event, indexKeys: event.messageId != message.id)
        }
        return .stored(message.id)
    }

    private func duplicate(of message: CanonicalMessage) throws(StoreError) -> AdmissionResult.Duplicate {
        let existing = try db.statement(
            "SELECT id, content_hash, received_at FROM messages WHERE sender = ?1 AND idem_key = ?2"
        )
        existing.bind(1, message.sender)
        existing.bind(2, message.idempotencyKey)
        guard try existing.step(), let originalId = MessageID(existing.text(0)) else {
            existing.reset()
            throw StoreError(
                code: .corrupt,
                message: "\(db.path): insert of \(message.sender)/\(message.idempotencyKey) conflicted, "
                    + "but no valid original row was found",
                path: db.path
            )
        }
        let sameContent = existing.text(1) == message.contentHash
        let receivedAt = existing.date(2)
        existing.reset()

        let rows = try db.statement("SELECT destination, status FROM outbox WHERE message_id = ?1")
        rows.bind(1, originalId.rawValue)
        var deliveries: [String: DeliveryStatus] = [:]
        while try rows.step() {
            deliveries[rows.text(0)] = DeliveryStatus(rawValue: rows.text(1)) ?? .pending
        }
        rows.reset()

        try appendLog(
            LogEvent(
                at: message.receivedAt,
                messageId: originalId,
                event: sameContent ? "duplicate" : "conflict",
                detail: "{\"duplicate_id\":\"\(message.id.rawValue)\",\"content_hash\":\"\(message.contentHash)\","
                    + "\"correlation_id\":\(JSONText.quote(message.correlationId))}",
                type: message.type.rawValue,
                sender: message.sender
            ),
            indexKeys: false
        )
        return AdmissionResult.Duplicate(
            originalId: originalId,
            sameContent: sameContent,
            originalReceivedAt: receivedAt,
            originalDeliveries: deliveries
        )
    }
}
