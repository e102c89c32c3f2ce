import Agencies
import Delivery
import Foundation
import HTTPCore
import Messages
import Store
import Synchronization

/// The `identity-check` routing step: before a message goes to a destination whose route requires it, the
/// citizen's ID number, name (NFC), date of birth and sex must match the population database.
///
/// A mismatch dead-letters that delivery with the reason (the sender sees it at `GET /v1/messages/{id}`);
/// an unreachable registry only delays it. Each verdict is logged once per message.
final class IdentityCheck: Sendable {
    private let directory: PopulationDirectory
    private let store: any MessageStore
    private let logged = Mutex<Set<MessageID>>([])

    init(directory: PopulationDirectory, store: any MessageStore) {
        self.directory = directory
        self.store = store
    }

    /// Passes, or throws the ``PreparationError`` the deliverer acts on.
    func verify(_ message: CanonicalMessage, destination: String) async throws {
        guard let query = IdentityQuery(attributes: message.attributes) else {
            try await reject(message, destination: destination, fields: ["citizen"],
                             reason: "identity check impossible: ID number, name, date of birth or sex missing")
            return
        }
        let lookup: PopulationDirectory.Lookup
        do {
            lookup = try await directory.lookup(query.citizenId, correlationId: message.correlationId)
        } catch {
            throw PreparationError(reason: "identity check waiting: \(error.description)", retryable: true)
        }
        switch lookup {
        case .unknown:
            try await reject(message, destination: destination, fields: ["citizen"],
                             reason: "identity mismatch: ID number unknown to the population database")
        case .found(let record, _):
            switch IdentityComparison.compare(query, record) {
            case .match:
                await logOnce(message, event: "verified", detail: #"{"check":"identity"}"#)
            case .mismatch(let fields, let reason):
                try await reject(message, destination: destination, fields: fields, reason: "identity mismatch: \(reason)")
            }
        }
    }

    private func reject(_ message: CanonicalMessage, destination: String, fields: [String], reason: String) async throws {
        // The registry's wording may quote the ID number (a cancelled one): the log and the outbox get it masked.
        let reason = PersonalDataMask.text(reason, hiding: PersonalDataMask.personalValues(of: message))
        var json = JSONWriter()
        json.object { o in
            o.field("check", "identity")
            o.array("fields") { a in for field in fields { a.value(field) } }
            o.field("reason", reason)
        }
        await logOnce(message, event: "mismatch", detail: json.string)
        throw PreparationError(reason: reason, retryable: false)
    }

    private func logOnce(_ message: CanonicalMessage, event: String, detail: String) async {
        let first = logged.withLock { seen in
            if seen.count > 100_000 { seen.removeAll(keepingCapacity: true) }
            return seen.insert(message.id).inserted
        }
        guard first else { return }
        // A lost log line must not block delivery; the attempt's own outcome is logged by the outbox.
        try? await store.appendLog([LogEvent(messageId: message.id, event: event, detail: detail,
                                             type: message.type.rawValue, sender: message.sender)])
    }
}
