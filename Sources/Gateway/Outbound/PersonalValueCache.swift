import Messages
import Synchronization

/// The person-identifying values (ID numbers, names) of messages claimed and not yet completed, so the
/// text of an attempt's outcome (an error, a partner's answer echoing the request) can be masked before it
/// is stored. Bounded: when full it forgets everything, and masking falls back to 12-digit runs.
final class PersonalValueCache: Sendable {
    private let values = Mutex<[MessageID: [String]]>([:])
    private let limit: Int

    init(limit: Int = 50_000) { self.limit = limit }

    /// Remembers a claimed message's values (nothing when it has none).
    func remember(_ message: CanonicalMessage) {
        let found = PersonalDataMask.personalValues(of: message)
        guard !found.isEmpty else { return }
        values.withLock { table in
            if table.count >= limit { table.removeAll(keepingCapacity: true) }
            table[message.id] = found
        }
    }

    /// The values remembered for a message.
    func values(of id: MessageID) -> [String] { values.withLock { $0[id] ?? [] } }

    /// Forgets a message once its attempt is recorded (a later claim remembers it again).
    func forget(_ id: MessageID) { _ = values.withLock { $0.removeValue(forKey: id) } }
}
