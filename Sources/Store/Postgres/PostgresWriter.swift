import Foundation
import Synchronization

/// The node's single writer: a dedicated thread (libpq blocks, so not the Swift cooperative pool) that drains
/// queued jobs into one `BEGIN … COMMIT` transaction at a time (group commit), and resumes each caller only
/// after that commit is durable.
///
/// PostgreSQL aborts the whole transaction on any error, so a failing job costs its batch one retry: the
/// batch is rolled back and each of its jobs runs again in a transaction of its own, so only the faulty one
/// fails (savepoints around every job would cost two round trips per job in the common case).
///
/// `@unchecked Sendable`: `queue`, `stopping` and `started` are guarded by `condition`; `session` is touched
/// only by the writer thread once `start()` has run; `stats` is a `Mutex`.
final class PostgresWriter: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [any PostgresWriterJob] = []
    private var stopping = false
    private var started = false
    private let finished = DispatchSemaphore(value: 0)
    private let session: PostgresWriteSession
    private let maxBatch: Int
    private let maxDelay: TimeInterval
    private let statsLock = Mutex(CommitStats())

    init(session: PostgresWriteSession, maxBatch: Int, maxDelay: Duration) {
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
        thread.name = "interchange-pg-writer"
        thread.start()
    }

    /// The commit counters so far.
    var stats: CommitStats { statsLock.withLock { $0 } }

    /// Queues `body` for the next batch and waits until that batch has committed (or failed).
    func submit<R: Sendable>(
        _ body: @escaping @Sendable (PostgresWriteSession) throws(StoreError) -> R
    ) async throws(StoreError) -> R {
        let result: Result<R, StoreError> = await withCheckedContinuation { continuation in
            let job = PostgresTypedJob(body: body, continuation: continuation)
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
    private func nextBatch() -> [any PostgresWriterJob]? {
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

    private func process(_ batch: [any PostgresWriterJob]) {
        let started = ContinuousClock.now
        do throws(StoreError) {
            try session.begin()
        } catch {
            session.rollback()
            for job in batch { job.finish(error) }
            record(commits: 0, items: 0, failures: 1, since: started)
            return
        }
        var failed = false
        for job in batch where !job.run(session) {
            failed = true
            break
        }
        if !failed {
            do throws(StoreError) {
                try session.commit()
            } catch {
                session.rollback()
                for job in batch { job.finish(error) }
                record(commits: 0, items: 0, failures: 1, since: started)
                return
            }
            record(commits: 1, items: batch.count, failures: 0, since: started)
            for job in batch { job.finish(nil) }
            return
        }
        session.rollback()
        if batch.count == 1 || session.db.isBroken {
            // Nothing to isolate (or no connection to isolate with): every job gets its own or the batch's error.
            for job in batch { job.finish(nil) }
            record(commits: 0, items: 0, failures: 1, since: started)
            return
        }
        for job in batch { runAlone(job) }
    }

    /// Runs one job in a transaction of its own (after its batch was aborted by another job's failure).
    private func runAlone(_ job: any PostgresWriterJob) {
        let started = ContinuousClock.now
        do throws(StoreError) {
            try session.begin()
        } catch {
            session.rollback()
            job.finish(error)
            record(commits: 0, items: 0, failures: 1, since: started)
            return
        }
        guard job.run(session) else {
            session.rollback()
            job.finish(nil)
            record(commits: 0, items: 0, failures: 1, since: started)
            return
        }
        do throws(StoreError) {
            try session.commit()
        } catch {
            session.rollback()
            job.finish(error)
            record(commits: 0, items: 0, failures: 1, since: started)
            return
        }
        record(commits: 1, items: 1, failures: 0, since: started)
        job.finish(nil)
    }

    private func record(commits: Int, items: Int, failures: Int, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        statsLock.withLock { stats in
            stats.commits += commits
            stats.items += items
            stats.failedCommits += failures
            if commits > 0 { stats.largestBatch = max(stats.largestBatch, items) }
            stats.busySeconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
    }
}
