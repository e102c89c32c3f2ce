/// A unit of work queued for a store's writer thread: run inside the batch transaction, finished after it.
protocol WriterJob<Session>: AnyObject, Sendable {
    /// The write connection the job runs on.
    associatedtype Session
    /// Runs the work on the writer thread inside the open transaction; `false` if it failed (the error is kept).
    /// May run more than once if the batch is retried; only the last run counts.
    func run(_ session: Session) -> Bool
    /// The error of the last run, if it failed.
    var error: StoreError? { get }
    /// Resumes the caller: with `batchError` if the transaction failed, else with the job's own result.
    func finish(_ batchError: StoreError?)
}

extension WriterJob {
    /// Whether the last run failed because of its own input (a constraint, a pruned body), not because the
    /// database failed.
    var failedOnItsOwn: Bool { error?.code == .invalid || error?.code == .bodyPruned }
}

/// A job whose body produces `R`.
///
/// `@unchecked Sendable`: `result` is written by `run` and read by `finish`, both on the writer thread only.
final class TypedWriterJob<Session, R: Sendable>: WriterJob, @unchecked Sendable {
    private let body: @Sendable (Session) throws(StoreError) -> R
    private let continuation: CheckedContinuation<Result<R, StoreError>, Never>
    private var result: Result<R, StoreError>?

    init(
        body: @escaping @Sendable (Session) throws(StoreError) -> R,
        continuation: CheckedContinuation<Result<R, StoreError>, Never>
    ) {
        self.body = body
        self.continuation = continuation
    }

    func run(_ session: Session) -> Bool {
        do throws(StoreError) {
            result = .success(try body(session))
            return true
        } catch {
            result = .failure(error)
            return false
        }
    }

    var error: StoreError? {
        if case .failure(let error) = result { return error }
        return nil
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
