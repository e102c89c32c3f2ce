import Foundation

/// A few dedicated threads, each owning one ``PGConnection``, fed from one locked queue. Blocking libpq calls
/// run here, never on the Swift cooperative pool; each job resumes its caller's continuation when done.
///
/// Connections are opened lazily by their thread and reopened after a connection failure.
///
/// `@unchecked Sendable`: `queue`, `stopping` and `running` are guarded by `condition`; each connection is
/// created, used and closed by its own worker thread only.
final class PGWorkerPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [(Result<PGConnection, StoreError>) -> Void] = []
    private var stopping = false
    private var running = 0
    private let connect: @Sendable () throws(StoreError) -> PGConnection

    /// Starts `size` worker threads; `connect` opens a connection for one of them.
    init(size: Int, name: String, connect: @escaping @Sendable () throws(StoreError) -> PGConnection) {
        self.connect = connect
        running = max(1, size)
        for index in 0..<max(1, size) {
            let thread = Thread { [self] in self.work() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Runs `body` on a worker's connection and returns its result.
    func run<R: Sendable>(
        _ body: @escaping @Sendable (PGConnection) throws(StoreError) -> R
    ) async throws(StoreError) -> R {
        let result: Result<R, StoreError> = await withCheckedContinuation { continuation in
            let job: (Result<PGConnection, StoreError>) -> Void = { connection in
                do throws(StoreError) {
                    let db = try connection.get()
                    do throws(StoreError) {
                        continuation.resume(returning: .success(try body(db)))
                    } catch where db.isBroken {
                        // The server dropped an idle connection (restart, failover, idle timeout): reconnect
                        // and try once more. Pool jobs are reads and claims; a claim whose answer was lost only
                        // leaves rows leased until the lease expires.
                        try db.reconnectIfBroken()
                        continuation.resume(returning: .success(try body(db)))
                    }
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            condition.lock()
            guard !stopping else {
                condition.unlock()
                job(.failure(.closed()))
                return
            }
            queue.append(job)
            condition.signal()
            condition.unlock()
        }
        return try result.get()
    }

    /// Lets queued jobs finish, then closes every connection and waits for the threads to end.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        condition.unlock()
    }

    private func work() {
        var connection: PGConnection?
        while let job = next() {
            if connection?.isBroken ?? true {
                do throws(StoreError) {
                    if let connection {
                        try connection.reconnectIfBroken()
                    } else {
                        connection = try connect()
                    }
                } catch {
                    job(.failure(error))
                    continue
                }
            }
            if let connection {
                job(.success(connection))
            } else {
                job(.failure(.closed()))
            }
        }
        connection?.close()
        condition.lock()
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    private func next() -> ((Result<PGConnection, StoreError>) -> Void)? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !stopping { condition.wait() }
        if queue.isEmpty { return nil }
        return queue.removeFirst()
    }
}
