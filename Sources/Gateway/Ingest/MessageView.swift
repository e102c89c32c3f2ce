import Foundation
import HTTPCore
import Messages
import Store

/// JSON views of a stored message for `GET /v1/messages/{id}`.
enum MessageView {
    /// The overall state a sender sees: delivered everywhere, some dead-lettered, or still on its way.
    static func overallStatus(_ deliveries: [DeliveryRecord]) -> String {
        if deliveries.isEmpty { return "accepted" }
        if deliveries.allSatisfy({ $0.status == .delivered }) { return "delivered" }
        if deliveries.contains(where: { $0.status == .dead }) { return "dead_lettered" }
        return "delivering"
    }

    /// The sender's view: status, deliveries and timeline; no body (the sender has it).
    static func senderJSON(_ stored: StoredMessage, deliveries: [DeliveryRecord], timeline: [LogEntry]) -> [UInt8] {
        var json = JSONWriter()
        let message = stored.message
        json.object { o in
            o.field("id", message.id.rawValue)
            o.field("type", message.type.rawValue)
            o.field("sender", message.sender)
            o.field("key", message.idempotencyKey)
            o.field("correlation_id", message.correlationId)
            o.field("received_at", Timestamp.iso(message.receivedAt))
            o.field("content_sha256", message.contentHash)
            o.field("status", overallStatus(deliveries))
            o.array("deliveries") { a in
                for delivery in deliveries { a.object { deliveryFields(delivery, into: &$0) } }
            }
            o.array("timeline") { a in
                for entry in timeline { a.object { timelineFields(entry, into: &$0) } }
            }
        }
        return json.bytes
    }

    static func deliveryFields(_ delivery: DeliveryRecord, into o: inout JSONWriter.ObjectWriter) {
        o.field("destination", delivery.destination)
        o.field("status", delivery.status.rawValue)
        o.field("attempts", delivery.attempts)
        if let status = delivery.lastStatus { o.field("last_status", status) }
        if let error = delivery.lastError { o.field("last_error", error) }
        if let at = delivery.deliveredAt { o.field("delivered_at", Timestamp.iso(at)) }
        if delivery.status == .pending { o.field("next_attempt_at", Timestamp.iso(delivery.nextAttemptAt)) }
        if let reference = delivery.externalRef { o.field("external_ref", reference) }
    }

    static func timelineFields(_ entry: LogEntry, into o: inout JSONWriter.ObjectWriter) {
        o.field("seq", entry.seq)
        o.field("at", Timestamp.iso(entry.at))
        o.field("event", entry.event)
        if let destination = entry.destination { o.field("destination", destination) }
        o.raw("detail", Array(entry.detail.utf8))
    }
}

/// Timestamps as RFC 3339 UTC with milliseconds.
enum Timestamp {
    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
