import Delivery
import Foundation
import Messages
import Synchronization

/// The one test double: an in-memory ``OutboxSource`` with the lease semantics the store provides.
final class InMemoryOutbox: OutboxSource {
    enum RowState: Equatable { case pending, delivered, dead }

    struct Row {
        var item: ClaimedItem
        var dueAt: Date
        var leasedUntil: Date?
        var state: RowState = .pending
    }

    private struct State {
        var rows: [MessageID: Row] = [:]
        var order: [MessageID] = []
        var completions: [Completion] = []
    }

    private let state = Mutex(State())

    /// Adds a message due now and returns its id.
    @discardableResult
    func enqueue(destination: String, body: String = #"{"hello":"world"}"#, receivedAt: Date = Date()) -> MessageID {
        let id = MessageID.generate()
        let item = ClaimedItem(
            messageId: id, destination: destination, attempt: 0, receivedAt: receivedAt,
            correlationId: "corr-\(id.rawValue.suffix(6))", messageType: "test.message",
            payload: OutboundPayload(pathSuffix: "/inbox", body: Array(body.utf8)))
        state.withLock { state in
            state.rows[id] = Row(item: item, dueAt: Date())
            state.order.append(id)
        }
        return id
    }

    func claim(destination: String, limit: Int, lease: Duration) async throws -> [ClaimedItem] {
        let now = Date()
        return state.withLock { state in
            var claimed: [ClaimedItem] = []
            for id in state.order where claimed.count < limit {
                guard var row = state.rows[id], row.item.destination == destination, row.state == .pending,
                    row.dueAt <= now, (row.leasedUntil ?? .distantPast) <= now
                else { continue }
                let (seconds, atto) = lease.components
                row.leasedUntil = now.addingTimeInterval(Double(seconds) + Double(atto) / 1e18)
                state.rows[id] = row
                claimed.append(row.item)
            }
            return claimed
        }
    }

    func complete(_ completions: [Completion]) async throws {
        state.withLock { state in
            for completion in completions {
                state.completions.append(completion)
                guard var row = state.rows[completion.messageId] else { continue }
                row.leasedUntil = nil
                switch completion.outcome {
                case .delivered: row.state = .delivered
                case .deadLetter: row.state = .dead
                case .retry(let at):
                    row.item.attempt = completion.attempt
                    row.dueAt = at
                case .postponed(let until):
                    row.dueAt = until
                }
                state.rows[completion.messageId] = row
            }
        }
    }

    func row(_ id: MessageID) -> Row? { state.withLock { $0.rows[id] } }
    func completions(for id: MessageID) -> [Completion] { state.withLock { $0.completions.filter { $0.messageId == id } } }
    var allCompletions: [Completion] { state.withLock { $0.completions } }
    func count(_ rowState: RowState) -> Int { state.withLock { $0.rows.values.filter { $0.state == rowState }.count } }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(20), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
