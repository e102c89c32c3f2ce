/// Walks the routing log entry by entry in sequence order, one chain per node, each starting at the node's
/// latest checkpoint (or at ``LogChain/genesis``). Shared by both stores so they judge alike.
struct LogChainVerifier {
    private var heads: [String: String] = [:]
    private var floors: [String: Int64] = [:]
    private var fromCheckpoint: Set<String> = []
    /// Entries checked so far and found good.
    private(set) var checked = 0
    /// Good entries per node.
    private var chains: [String: Int] = [:]

    /// Starts each checkpointed node's chain at its latest checkpoint.
    init(checkpoints: [LogCheckpoint]) {
        for checkpoint in checkpoints where checkpoint.seq > floors[checkpoint.node] ?? Int64.min {
            heads[checkpoint.node] = checkpoint.hash
            floors[checkpoint.node] = checkpoint.seq
            fromCheckpoint.insert(checkpoint.node)
        }
    }

    /// Checks the next entry; returns the failed verification if it is bad.
    mutating func check(_ entry: LogEntry, atMillis: Int64) -> LogVerification? {
        if let floor = floors[entry.node], entry.seq <= floor {
            return LogVerification(
                ok: false,
                checked: checked,
                firstBad: entry.seq,
                reason: "entry \(entry.seq) lies at or before node \(entry.node)'s retention checkpoint "
                    + "(seq \(floor)): the checkpoint was altered"
            )
        }
        let expectedPrev = heads[entry.node] ?? LogChain.genesis
        if entry.prevHash != expectedPrev {
            let reason: String
            if fromCheckpoint.contains(entry.node), let floor = floors[entry.node] {
                reason = "entry \(entry.seq) does not link to node \(entry.node)'s retention checkpoint "
                    + "(seq \(floor)): an entry after the cut was deleted or altered, or the checkpoint was"
            } else {
                reason = "entry \(entry.seq) does not link to node \(entry.node)'s previous entry: "
                    + "an entry before it was deleted or altered"
            }
            return LogVerification(ok: false, checked: checked, firstBad: entry.seq, reason: reason)
        }
        let hash = LogChain.hash(
            prevHash: entry.prevHash,
            seq: entry.seq,
            node: entry.node,
            atMillis: atMillis,
            messageId: entry.messageId?.rawValue,
            destination: entry.destination,
            event: entry.event,
            type: entry.type,
            sender: entry.sender,
            detail: entry.detail,
            actor: entry.actor
        )
        if hash != entry.hash {
            return LogVerification(
                ok: false,
                checked: checked,
                firstBad: entry.seq,
                reason: "entry \(entry.seq)'s fields do not match its hash: it was edited"
            )
        }
        heads[entry.node] = hash
        fromCheckpoint.remove(entry.node)
        checked += 1
        chains[entry.node, default: 0] += 1
        return nil
    }

    /// The verification after the last entry.
    var result: LogVerification { LogVerification(ok: true, checked: checked, chains: chains) }
}
