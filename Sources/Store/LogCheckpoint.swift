import Foundation

/// Where retention cut one node's routing-log chain: the hash of the last deleted entry, which the node's first
/// retained entry must carry as its `prevHash`.
///
/// It proves continuity from the cut on, not the content before it: whoever can write the database could forge a
/// checkpoint together with a deletion. Exporting or signing checkpoints elsewhere would close that (not built).
public struct LogCheckpoint: Sendable, Hashable {
    /// The node whose chain was cut.
    public var node: String
    /// The sequence number of the node's last deleted entry.
    public var seq: Int64
    /// That entry's hash.
    public var hash: String
    /// When the cut was made.
    public var at: Date
    /// How many of the node's entries that pruning batch deleted.
    public var countPruned: Int

    /// Creates a checkpoint.
    public init(node: String, seq: Int64, hash: String, at: Date, countPruned: Int) {
        self.node = node
        self.seq = seq
        self.hash = hash
        self.at = at
        self.countPruned = countPruned
    }
}
