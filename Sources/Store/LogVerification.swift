/// The result of walking the routing log's hash chain.
public struct LogVerification: Sendable, Hashable {
    /// Whether every entry's hash matched and no entry was missing.
    public var ok: Bool
    /// How many entries were checked.
    public var checked: Int
    /// The first sequence number found bad: an entry whose hash does not match its fields, or whose
    /// predecessor was deleted.
    public var firstBad: Int64?
    /// Why that entry is bad.
    public var reason: String?
    /// Entries checked per node chain (several nodes share a PostgreSQL log, each with its own chain).
    public var chains: [String: Int]

    /// Creates a result.
    public init(ok: Bool, checked: Int, firstBad: Int64? = nil, reason: String? = nil, chains: [String: Int] = [:]) {
        self.ok = ok
        self.checked = checked
        self.firstBad = firstBad
        self.reason = reason
        self.chains = chains
    }
}
