/// One page of routing-log entries.
public struct LogPage: Sendable, Hashable {
    /// The entries, in the filter's order.
    public var entries: [LogEntry]
    /// Pass this to get the next page; `nil` when there are no more entries now.
    public var next: LogCursor?

    /// Creates a page.
    public init(entries: [LogEntry], next: LogCursor?) {
        self.entries = entries
        self.next = next
    }
}
