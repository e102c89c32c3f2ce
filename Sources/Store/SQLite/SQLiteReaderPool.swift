import Dispatch
import Foundation
import Synchronization

/// Read-only connections for queries, so reads never wait for the writer (WAL readers see the last commit).
/// Queries run on a Dispatch queue, never on the Swift cooperative pool, since SQLite calls block.
final class SQLiteReaderPool: Sendable {
    private struct State {
        var idle: [SQLiteConnection] = []
        var closed = false
    }

    private let path: String
    private let busyTimeout: Duration
    private let state = Mutex(State())
    private let slots: DispatchSemaphore
    private let queue = DispatchQueue(label: "interchange.store.readers", attributes: .concurrent)

    init(path: String, size: Int, busyTimeout: Duration) {
        self.path = path
        self.busyTimeout = busyTimeout
        slots = DispatchSemaphore(value: max(1, size))
    }

    /// Runs `body` on an idle (or new) read-only connection, at most `size` at once.
    func read<R: Sendable>(
        _ body: @escaping @Sendable (SQLiteConnection) throws(StoreError) -> R
    ) async throws(StoreError) -> R {
        let result: Result<R, StoreError> = await withCheckedContinuation { continuation in
            queue.async {
                self.slots.wait()
                defer { self.slots.signal() }
                continuation.resume(returning: self.runOnConnection(body))
            }
        }
        return try result.get()
    }

    private func runOnConnection<R>(
        _ body: (SQLiteConnection) throws(StoreError) -> R
    ) -> Result<R, StoreError> {
        let checkedOut = state.withLock { state -> (closed: Bool, connection: SQLiteConnection?) in
            (state.closed, state.closed ? nil : state.idle.popLast())
        }
        if checkedOut.closed { return .failure(.closed()) }
        let connection: SQLiteConnection
        if let idle = checkedOut.connection {
            connection = idle
        } else {
            do throws(StoreError) {
                connection = try SQLiteConnection(path: path, readOnly: true, busyTimeout: busyTimeout)
            } catch {
                return .failure(error)
            }
        }
        let result: Result<R, StoreError>
        do throws(StoreError) {
            result = .success(try body(connection))
        } catch {
            result = .failure(error)
        }
        if !connection.isAutocommit { try? connection.exec("ROLLBACK") }
        let keep: Bool
        if case .failure(let error) = result, error.code == .corrupt || error.code == .unavailable {
            keep = false
        } else {
            keep = true
        }
        let closeNow = state.withLock { state -> Bool in
            guard keep && !state.closed else { return true }
            state.idle.append(connection)
            return false
        }
        if closeNow { connection.close() }
        return result
    }

    /// Closes idle connections; busy ones close when their query returns.
    func close() {
        let idle = state.withLock { state -> [SQLiteConnection] in
            state.closed = true
            defer { state.idle.removeAll() }
            return state.idle
        }
        for connection in idle { connection.close() }
    }
}
