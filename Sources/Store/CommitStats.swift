/// Group-commit counters of a store's writer, for metrics.
public struct CommitStats: Sendable, Hashable {
    /// Transactions committed.
    public var commits: Int = 0
    /// Work items (admit / complete / claim / log calls) committed in them.
    public var items: Int = 0
    /// Transactions that failed and were rolled back (every caller in them got the error).
    public var failedCommits: Int = 0
    /// The largest batch committed in one transaction.
    public var largestBatch: Int = 0
    /// Seconds spent inside write transactions, `BEGIN` to durable `COMMIT`.
    public var busySeconds: Double = 0

    /// Creates zeroed counters.
    public init() {}

    /// Mean items per committed transaction.
    public var meanBatch: Double { commits == 0 ? 0 : Double(items) / Double(commits) }
}
