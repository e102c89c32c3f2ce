import Foundation

/// The node's single writer on PostgreSQL: one `BEGIN … COMMIT` transaction at a time on a dedicated thread
/// (``WriterThread``), each caller resumed only after the commit that holds its work is durable.
///
/// PostgreSQL aborts the whole transaction on any error, so a failing job costs its batch one retry: the
/// batch is rolled back and each of its jobs runs again in a transaction of its own, so only the faulty one
/// fails (savepoints around every job would cost two round trips per job in the common case).
///
/// `@unchecked Sendable`: `session` is touched only by the writer thread once `start()` has run (or by
/// `stop()`, through ``WriterThread``'s `close`, when it never ran).
final class PostgresWriter: @unchecked Sendable {
    private let thread: WriterThread<PostgresWriteSession>
    private let session: PostgresWriteSession

    init(session: PostgresWriteSession, maxBatch: Int, maxDelay: Duration) {
        self.session = session
        thread = WriterThread(session: session, maxBatch: maxBatch, maxDelay: maxDelay) { $0.db.close() }
    }

    /// Starts the writer thread.
    func start() {
        thread.start(name: "interchange-pg-writer") { [self] batch in process(batch) }
    }

    /// The commit counters so far.
    var stats: CommitStats { thread.stats }

    /// Queues `body` for the next batch and waits until that batch has committed (or failed).
    func submit<R: Sendable>(
        _ body: @escaping @Sendable (PostgresWriteSession) throws(StoreError) -> R
    ) async throws(StoreError) -> R {
        try await thread.submit(body)
    }

    /// Stops accepting work, lets the writer commit what is queued, and waits for it to close the connection.
    func stop() {
        thread.stop()
    }

    private func process(_ batch: [any WriterJob<PostgresWriteSession>]) {
        let started = ContinuousClock.now
        do throws(StoreError) {
            try session.begin()
        } catch {
            session.rollback()
            for job in batch { job.finish(error) }
            thread.recordFailure(since: started)
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
                thread.recordFailure(since: started)
                return
            }
            thread.recordCommit(items: batch.count, since: started)
            for job in batch { job.finish(nil) }
            return
        }
        session.rollback()
        if batch.count == 1 || session.db.isBroken {
            // Nothing to isolate (or no connection to isolate with): every job gets its own or the batch's error.
            for job in batch { job.finish(nil) }
            thread.recordFailure(since: started)
            return
        }
        for job in batch { runAlone(job) }
    }

    /// Runs one job in a transaction of its own (after its batch was aborted by another job's failure).
    private func runAlone(_ job: any WriterJob<PostgresWriteSession>) {
        let started = ContinuousClock.now
        do throws(StoreError) {
            try session.begin()
        } catch {
            session.rollback()
            job.finish(error)
            thread.recordFailure(since: started)
            return
        }
        guard job.run(session) else {
            session.rollback()
            job.finish(nil)
            thread.recordFailure(since: started)
            return
        }
        do throws(StoreError) {
            try session.commit()
        } catch {
            session.rollback()
            job.finish(error)
            thread.recordFailure(since: started)
            return
        }
        thread.recordCommit(items: 1, since: started)
        job.finish(nil)
    }
}
