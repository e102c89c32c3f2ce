import HTTPCore
import Messages

/// The generic outbound JSON: the canonical body wrapped with who sent it and when.
enum CanonicalEnvelope {
    static func json(_ message: CanonicalMessage) -> [UInt8] {
        var json = JSONWriter()
        json.object { o in
            o.field("messageId", message.id.rawValue)
            o.field("type", message.type.rawValue)
            o.field("sender", message.sender)
            o.field("receivedAt", Timestamp.iso(message.receivedAt))
            o.raw("record", message.body.isEmpty ? Array("null".utf8) : message.body)
        }
        return json.bytes
    }
}
