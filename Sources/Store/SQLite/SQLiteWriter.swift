import Foundation

/// The single writer of a SQLite store: one `BEGIN IMMEDIATE … COMMIT` transaction at a time on a dedicated
/// thread (``WriterThread``), each caller resumed only after the commit that holds its work is durable.
///
/// `@unchecked Sendable`: `session` is touched only by the writer thread once `start()` has run (or by
/// `stop()`, through ``WriterThread``'s `close`, when it never ran).
final class SQLiteWriter: @unchecked Sendable {
    private let thread: WriterThread<SQLiteWriteSession>
    private let session: SQLiteWriteSession

    init(session: SQLiteWriteSession, maxBatch: Int, maxDelay: Duration) {
        self.session = session
        thread = WriterThread(session: session, maxBatch: maxBatch, maxDelay: maxDelay) { $0.db.close() }
    }

    /// Starts the writer thread.
    func start() {
        thread.start(name: "interchange-store-writer") { [self] batch in process(batch) }
    }

    /// The commit counters so far.
    var stats: CommitStats { thread.stats }

    /// Queues `body` for the next batch and waits until that batch has committed (or failed).
    func submit<R: Sendable>(
        _ body: @escaping @Sendable (SQLiteWriteSession) throws(StoreError) -> R
    ) async throws(StoreError) -> R {
        try await thread.submit(body)
    }

    /// Stops accepting work, lets the writer commit what is queued, and waits for it to close the connection.
    func stop() {
        thread.stop()
    }

    /// Runs the batch in one transaction without per-job savepoints (a savepoint re-journals every page a job
    /// touches, which cost 25x the I/O). If a job fails on its own input (``StoreError/Code/invalid``), the
    /// transaction is rolled back, that job gets its error and the rest of the batch runs again; any other
    /// failure fails every job of the batch.
    private func process(_ batch: [any WriterJob<SQLiteWriteSession>]) {
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
                thread.recordFailure(since: started)
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
                thread.recordFailure(since: started)
                return
            }
        }
        thread.recordCommit(items: batch.count, since: started)
        for job in jobs { job.finish(nil) }
    }
}
