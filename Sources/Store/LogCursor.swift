/// Where a log page ended: the last returned sequence number. Pages continue strictly after (or before, newest
/// first) it, so entries committed meanwhile neither shift nor repeat what was already returned.
public struct LogCursor: Sendable, Hashable, CustomStringConvertible {
    /// The last returned ``LogEntry/seq``.
    public var seq: Int64

    /// Creates a cursor.
    public init(seq: Int64) { self.seq = seq }

    /// Parses the text form the operator API hands out (the decimal sequence number).
    public init?(_ text: String) {
        guard let seq = Int64(text), seq >= 0 else { return nil }
        self.seq = seq
    }

    /// The decimal sequence number.
    public var description: String { String(seq) }
}
