import Foundation
import Messages

/// Routing-log rows chained onto a node's head, as `unnest` array parameters, so any number of entries
/// (and their `log_keys`) are inserted by one statement.
struct PGLogRows {
    /// The chain head after the last of these rows.
    var end: PostgresWriteSession.Mark
    var isEmpty: Bool { seqs.isEmpty }
    var hasKeys: Bool { !keySeqs.isEmpty }

    private var seqs: [Int64?] = []
    private var ats: [Int64?] = []
    private var messageIds: [String?] = []
    private var destinations: [String?] = []
    private var names: [String?] = []
    private var types: [String?] = []
    private var senders: [String?] = []
    private var details: [String?] = []
    private var actors: [String?] = []
    private var prevHashes: [String?] = []
    private var hashes: [String?] = []
    private var keyValues: [String?] = []
    private var keyKinds: [String?] = []
    private var keySeqs: [Int64?] = []

    /// Hashes `events` onto `head` (see ``LogChain``).
    init(_ events: [LogEvent], node: String, head: PostgresWriteSession.Mark, indexKeys: (LogEvent) -> Bool) {
        end = head
        for event in events {
            let seq = end.lastSeq + 1
            let at = PGParam.millis(event.at)
            let hash = LogChain.hash(
                prevHash: end.headHash,
                seq: seq,
                node: node,
                atMillis: at,
                messageId: event.messageId?.rawValue,
                destination: event.destination,
                event: event.event,
                type: event.type,
                sender: event.sender,
                detail: event.detail,
                actor: event.actor
            )
            seqs.append(seq)
            ats.append(at)
            messageIds.append(event.messageId?.rawValue)
            destinations.append(event.destination)
            names.append(event.event)
            types.append(event.type)
            senders.append(event.sender)
            details.append(event.detail)
            actors.append(event.actor)
            prevHashes.append(end.headHash)
            hashes.append(hash)
            if !event.keys.isEmpty && indexKeys(event) {
                for key in event.keys {
                    keyValues.append(key.value)
                    keyKinds.append(key.kind)
                    keySeqs.append(seq)
                }
            }
            end = PostgresWriteSession.Mark(lastSeq: seq, headHash: hash)
        }
    }

    /// `SELECT` of the log rows from parameters `$first ... $(first + 11)` (the node is `$first`).
    static func select(from first: Int) -> String {
        let p = (0..<12).map { "$\(first + $0)" }
        return """
            SELECT s, \(p[0])::text, a, m, d, e, t, se, de, ac, ph, h
            FROM unnest(\(p[1])::bigint[], \(p[2])::bigint[], \(p[3])::text[], \(p[4])::text[], \(p[5])::text[],
                \(p[6])::text[], \(p[7])::text[], \(p[8])::text[], \(p[9])::text[], \(p[10])::text[], \(p[11])::text[])
                AS x(s, a, m, d, e, t, se, de, ac, ph, h)
            """
    }

    static let insertColumns =
        "log(seq, node, at, message_id, destination, event, type, sender, detail, actor, prev_hash, hash)"

    /// The 12 parameters for ``select(from:)``.
    func params(node: String) -> [PGParam] {
        [
            .text(node), .intArray(seqs), .intArray(ats), .textArray(messageIds), .textArray(destinations),
            .textArray(names), .textArray(types), .textArray(senders), .textArray(details), .textArray(actors),
            .textArray(prevHashes), .textArray(hashes),
        ]
    }

    /// `SELECT` of the `log_keys` rows from parameters `$first ... $(first + 2)`.
    static func selectKeys(from first: Int) -> String {
        "SELECT * FROM unnest($\(first)::text[], $\(first + 1)::text[], $\(first + 2)::bigint[])"
    }

    /// The 3 parameters for ``selectKeys(from:)``.
    var keyParams: [PGParam] { [.textArray(keyValues), .textArray(keyKinds), .intArray(keySeqs)] }
}
