import Foundation
import Synchronization

/// The queue and dedicated thread behind a store's single writer (group commit): callers queue jobs, the thread
/// takes them in batches and hands each batch to the store's `process`, which runs it in one transaction and
/// finishes every job. A dedicated thread, not the Swift cooperative pool, because `COMMIT` blocks (on fsync
/// for SQLite, on the network for libpq).
///
/// How a batch is run and what a failing job costs its batch differ per database; that stays in
/// `SQLiteWriter` and `PostgresWriter`. The queueing, batching and shutdown are the same and live here.
///
/// `@unchecked Sendable`: `queue`, `stopping` and `started` are guarded by `condition`; `stats` is a `Mutex`;
/// `session` is touched only by `close`, which runs exactly once:
/// on the writer thread when it ran, else in `stop()`.
final class WriterThread<Session>: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [any WriterJob<Session>] = []
    private var stopping = false
    private var started = false
    private let finished = DispatchSemaphore(value: 0)
    private let maxBatch: Int
    private let maxDelay: TimeInterval
    private let statsLock = Mutex(CommitStats())
    private let session: Session
    private let close: @Sendable (Session) -> Void

    /// - Parameters:
    ///   - maxBatch: The most jobs in one transaction.
    ///   - maxDelay: How long a batch may wait for more jobs after its first; zero takes what is queued.
    ///   - session: The write connection; after `start()` only the writer thread touches it.
    ///   - close: Closes `session` once no job is left.
    init(session: Session, maxBatch: Int, maxDelay: Duration, close: @escaping @Sendable (Session) -> Void) {
        self.session = session
        self.close = close
        self.maxBatch = max(1, maxBatch)
        let parts = maxDelay.components
        self.maxDelay = Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// Starts the thread: it hands every batch to `process` until stopped and drained, then closes.
    func start(name: String, process: @escaping @Sendable ([any WriterJob<Session>]) -> Void) {
        condition.lock()
        started = true
        condition.unlock()
        let thread = Thread { [self] in
            while let batch = self.nextBatch() {
                process(batch)
            }
            self.close(self.session)
            self.finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Queues `body` for the next batch and waits until that batch has committed (or failed).
    func submit<R: Sendable>(
        _ body: @escaping @Sendable (Session) throws(StoreError) -> R
    ) async throws(StoreError) -> R {
        let result: Result<R, StoreError> = await withCheckedContinuation { continuation in
            let job = TypedWriterJob(body: body, continuation: continuation)
            condition.lock()
            guard !stopping else {
                condition.unlock()
                job.finish(.closed())
                return
            }
            queue.append(job)
            condition.signal()
            condition.unlock()
        }
        return try result.get()
    }

    /// Stops accepting work, lets the thread commit what is queued, and waits until the connection is closed
    /// (closing it here if the thread never started).
    func stop() {
        condition.lock()
        let wasStopping = stopping
        stopping = true
        let wasStarted = started
        condition.broadcast()
        condition.unlock()
        guard !wasStopping else { return }
        if wasStarted {
            finished.wait()
        } else {
            close(session)
        }
    }

    /// Waits for work; then, until the batch is full or `maxDelay` has passed since the first job, for more.
    private func nextBatch() -> [any WriterJob<Session>]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !stopping { condition.wait() }
        if queue.isEmpty { return nil }
        if maxDelay > 0 && queue.count < maxBatch && !stopping {
            let deadline = Date(timeIntervalSinceNow: maxDelay)
            while queue.count < maxBatch && !stopping {
                if !condition.wait(until: deadline) { break }
            }
        }
        let count = min(queue.count, maxBatch)
        let batch = Array(queue.prefix(count))
        queue.removeFirst(count)
        return batch
    }

    // MARK: - Counters

    /// The commit counters so far.
    var stats: CommitStats { statsLock.withLock { $0 } }

    /// Counts one committed transaction of `items` jobs that began at `started`.
    func recordCommit(items: Int, since started: ContinuousClock.Instant) {
        record(since: started) { stats in
            stats.commits += 1
            stats.items += items
            stats.largestBatch = max(stats.largestBatch, items)
        }
    }

    /// Counts one failed, rolled-back transaction that began at `started`.
    func recordFailure(since started: ContinuousClock.Instant) {
        record(since: started) { $0.failedCommits += 1 }
    }

    private func record(since started: ContinuousClock.Instant, _ update: (inout CommitStats) -> Void) {
        let elapsed = ContinuousClock.now - started
        statsLock.withLock { stats in
            update(&stats)
            stats.busySeconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
    }
}
