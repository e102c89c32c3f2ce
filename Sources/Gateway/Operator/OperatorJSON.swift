import Foundation
import HTTPCore
import Messages
import Store

/// JSON views for operators (API and `interchange ... --json`). With `masked`, personal data is shown as
/// ``PersonalDataMask`` makes it and no body is ever included.
public enum OperatorJSON {
    /// One log entry as a JSON object (one line), unmasked: what `interchange log --json` prints.
    public static func logEntry(_ entry: LogEntry) -> String {
        var json = JSONWriter()
        json.object { logEntryFields(entry, masked: false, into: &$0) }
        return json.string
    }

    /// One message with its deliveries and timeline, unmasked; `body` adds the canonical body.
    ///
    /// - Parameter bodyError: Why the body could not be opened (``BodyCipherError``); shown as `body_error`
    ///   instead of the body.
    public static func message(
        _ stored: StoredMessage, deliveries: [DeliveryRecord], timeline: [LogEntry], body: Bool,
        bodyError: String? = nil
    ) -> [UInt8] {
        message(stored, deliveries: deliveries, timeline: timeline, masked: false, body: body, bodyError: bodyError)
    }

    static func logEntryFields(_ entry: LogEntry, masked: Bool, into o: inout JSONWriter.ObjectWriter) {
        o.field("seq", entry.seq)
        o.field("at", Timestamp.iso(entry.at))
        o.field("node", entry.node)
        o.field("event", entry.event)
        if let type = entry.type { o.field("type", type) }
        if let sender = entry.sender { o.field("sender", sender) }
        if let destination = entry.destination { o.field("destination", destination) }
        if let id = entry.messageId { o.field("message_id", id.rawValue) }
        if let actor = entry.actor { o.field("actor", actor) }
        o.raw("detail", Array((masked ? PersonalDataMask.json(entry.detail) : entry.detail).utf8))
    }

    static func page(_ page: LogPage, masked: Bool) -> [UInt8] {
        var json = JSONWriter()
        json.object { o in
            o.array("entries") { a in
                for entry in page.entries { a.object { logEntryFields(entry, masked: masked, into: &$0) } }
            }
            o.field("next", page.next?.description)
        }
        return json.bytes
    }

    static func message(
        _ stored: StoredMessage, deliveries: [DeliveryRecord], timeline: [LogEntry], masked: Bool, body: Bool,
        bodyError: String? = nil
    ) -> [UInt8] {
        let message = stored.message
        func text(_ value: String) -> String { masked ? PersonalDataMask.digitRuns(value) : value }
        let keys = masked ? message.businessKeys.map(PersonalDataMask.businessKey) : message.businessKeys
        let attributes = masked ? PersonalDataMask.attributes(message.attributes) : message.attributes
        var json = JSONWriter()
        json.object { o in
            o.field("id", message.id.rawValue)
            o.field("type", message.type.rawValue)
            o.field("sender", message.sender)
            o.field("key", text(message.idempotencyKey))
            o.field("content_sha256", message.contentHash)
            o.field("received_at", Timestamp.iso(message.receivedAt))
            o.field("correlation_id", text(message.correlationId))
            o.field("status", MessageView.overallStatus(deliveries))
            o.field("masked", masked)
            o.array("business_keys") { a in
                for key in keys {
                    a.object { k in
                        k.field("kind", key.kind)
                        k.field("value", key.value)
                    }
                }
            }
            o.object("attributes") { a in
                for name in attributes.keys.sorted() { a.field(name, attributes[name] ?? "") }
            }
            o.array("deliveries") { a in
                for delivery in deliveries {
                    a.object { d in
                        d.field("destination", delivery.destination)
                        d.field("status", delivery.status.rawValue)
                        d.field("attempts", delivery.attempts)
                        if let status = delivery.lastStatus { d.field("last_status", status) }
                        if let error = delivery.lastError { d.field("last_error", text(error)) }
                        if let at = delivery.deliveredAt { d.field("delivered_at", Timestamp.iso(at)) }
                        if delivery.status == .pending { d.field("next_attempt_at", Timestamp.iso(delivery.nextAttemptAt)) }
                        if let reference = delivery.externalRef { d.field("external_ref", reference) }
                        d.field("updated_at", Timestamp.iso(delivery.updatedAt))
                    }
                }
            }
            o.array("timeline") { a in
                for entry in timeline { a.object { logEntryFields(entry, masked: masked, into: &$0) } }
            }
            if body && !masked, let bodyError {
                o.field("body_error", bodyError)
            } else if body && !masked {
                // The canonical body is JSON; anything else is shown as a string rather than breaking the document.
                if (try? JSONSerialization.jsonObject(with: Data(message.body), options: [.fragmentsAllowed])) != nil {
                    o.raw("body", message.body)
                } else {
                    o.field("body", String(decoding: message.body, as: UTF8.self))
                }
            }
        }
        return json.bytes
    }
}
