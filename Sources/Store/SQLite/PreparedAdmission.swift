import Foundation
import Messages

/// An ``Admission`` checked and encoded by the calling task, so the writer thread only binds and steps.
struct PreparedAdmission: Sendable {
    var message: CanonicalMessage
    var attributesJSON: String
    var destinations: [OutboxTarget]
    var events: [LogEvent]

    init(_ admission: Admission) throws(StoreError) {
        let message = admission.message
        var seen = Set<String>()
        for target in admission.destinations where !seen.insert(target.destination).inserted {
            throw .invalid("message \(message.id): destination \(target.destination) listed twice")
        }
        self.message = message
        destinations = admission.destinations
        attributesJSON = PreparedAdmission.json(message.attributes)
        events = admission.events.map { event in
            var event = event
            if event.messageId == nil { event.messageId = message.id }
            if event.type == nil { event.type = message.type.rawValue }
            if event.sender == nil { event.sender = message.sender }
            return event
        }
    }

    /// Deterministic JSON object (sorted keys) of string attributes.
    static func json(_ attributes: [String: String]) -> String {
        guard !attributes.isEmpty else { return "{}" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(attributes) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
