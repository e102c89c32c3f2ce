/// A unit of work queued for the PostgreSQL writer thread: run inside the batch transaction, finished after
/// the commit.
protocol PostgresWriterJob: AnyObject, Sendable {
    /// Runs the work on the writer thread inside the open transaction; `false` if it failed (its error is kept).
    /// May run twice: once in the batch, again alone if another job's failure aborted the batch.
    func run(_ session: PostgresWriteSession) -> Bool
    /// Resumes the caller: with `batchError` if the transaction failed, else with the job's own result.
    func finish(_ batchError: StoreError?)
}

/// A job whose body produces `R`.
///
/// `@unchecked Sendable`: `result` is written by `run` and read by `finish`, both on the writer thread only.
final class PostgresTypedJob<R: Sendable>: PostgresWriterJob, @unchecked Sendable {
    private let body: @Sendable (PostgresWriteSession) throws(StoreError) -> R
    private let continuation: CheckedContinuation<Result<R, StoreError>, Never>
    private var result: Result<R, StoreError>?

    init(
        body: @escaping @Sendable (PostgresWriteSession) throws(StoreError) -> R,
        continuation: CheckedContinuation<Result<R, StoreError>, Never>
    ) {
        self.body = body
        self.continuation = continuation
    }

    func run(_ session: PostgresWriteSession) -> Bool {
        do throws(StoreError) {
            result = .success(try body(session))
            return true
        } catch {
            result = .failure(error)
            return false
        }
    }

    func finish(_ batchError: StoreError?) {
        if let batchError, case .success = result {
            continuation.resume(returning: .failure(batchError))
        } else if let result {
            continuation.resume(returning: result)
        } else {
            continuation.resume(returning: .failure(batchError ?? .closed()))
        }
    }
}
