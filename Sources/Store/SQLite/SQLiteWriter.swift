import Foundation
import Synchronization

/// The single writer: a dedicated thread (not the Swift cooperative pool, since `COMMIT` blocks on fsync)
/// that drains queued jobs into one `BEGIN IMMEDIATE … COMMIT` transaction at a time (group commit), and
/// resumes each caller only after that commit is durable.
///
/// `@unchecked Sendable`: `queue` and `stopping` are guarded by `condition`; `session` is touched only by
/// the writer thread once `start()` has run; `stats` is a `Mutex`.
final class SQLiteWriter: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [any SQLiteWriterJob] = []
    private var stopping = false
    private var started = false
    private let finished = DispatchSemaphore(value: 0)
    private let session: SQLiteWriteSession
    private let maxBatch: Int
    private let maxDelay: TimeInterval
    private let statsLock = Mutex(CommitStats())

    init(session: SQLiteWriteSession, maxBatch: Int, maxDelay: Duration) {
        self.session = session
        self.maxBatch = max(1, maxBatch)
        let parts = maxDelay.components
        self.maxDelay = Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// Starts the writer thread.
    func start() {
        condition.lock()
        started = true
        condition.unlock()
        let thread = Thread { [self] in
            self.loop()
        }
        thread.name = "interchange-store-writer"
        thread.start()
    }

    /// The commit counters so far.
    var stats: CommitStats { statsLock.withLock { $0 } }

    /// Queues `body` for the next batch and waits until that batch has committed (or failed).
    func submit<R: Sendable>(
        _ body: @escaping @Sendable (SQLiteWriteSession) throws(StoreError) -> R
    ) async throws(StoreError) -> R {
        let result: Result<R, StoreError> = await withCheckedContinuation { continuation in
            let job = SQLiteTypedJob(body: body, continuation: continuation)
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

    /// Stops accepting work, lets the writer commit what is queued, and waits for it to close the connection.
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
            session.db.close()
        }
    }

    private func loop() {
        while let batch = nextBatch() {
            process(batch)
        }
        session.db.close()
        finished.signal()
    }

    /// Waits for work; then, until the batch is full or `maxDelay` has passed since the first job, for more.
    private func nextBatch() -> [any SQLiteWriterJob]? {
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

    /// Runs the batch in one transaction without per-job savepoints (a savepoint re-journals every page a job
    /// touches, which cost 25x the I/O). If a job fails on its own input (``StoreError/Code/invalid``), the
    /// transaction is rolled back, that job gets its error and the rest of the batch runs again; any other
    /// failure fails every job of the batch.
    private func process(_ batch: [any SQLiteWriterJob]) {
        let started = ContinuousClock.now
        var jobs = batch
        while !jobs.isEmpty {
            var failedIndex: Int?
            var batchError: StoreError?
            do throws(StoreError) {
                try session.begin()
                for (index, job) in jobs.enumerated() where !job.run(session) {
                    failedIndex = index
                    break
                }
                if failedIndex == nil { try session.commit() }
            } catch {
                batchError = error
            }
            if let batchError {
                session.rollback()
                for job in jobs { job.finish(batchError) }
                recordFailure(since: started)
                return
            }
            guard let failedIndex else { break }
            session.rollback()
            let failed = jobs.remove(at: failedIndex)
            if failed.failedOnItsOwn {
                failed.finish(nil)
            } else {
                // The database itself failed (I/O, lock, corruption): nobody in this batch is stored.
                let error = failed.error ?? StoreError(code: .unavailable, message: "\(session.db.path): write failed")
                failed.finish(nil)
                for job in jobs { job.finish(error) }
                recordFailure(since: started)
                return
            }
        }
        let elapsed = ContinuousClock.now - started
        statsLock.withLock { stats in
            stats.commits += 1
            stats.items += batch.count
            stats.largestBatch = max(stats.largestBatch, batch.count)
            stats.busySeconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        for job in jobs { job.finish(nil) }
    }

    private func recordFailure(since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        statsLock.withLock { stats in
            stats.failedCommits += 1
            stats.busySeconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
    }
}
