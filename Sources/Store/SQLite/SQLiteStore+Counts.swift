import Foundation

extension SQLiteStore {
    /// Counts log entries at or after `since`, grouped by event, type, sender and destination (on a reader,
    /// using the `log_at` index: cheap for the last hour).
    public func logCounts(since: Date) async throws(StoreError) -> [LogCount] {
        try await readers.read { db throws(StoreError) in
            let statement = try db.statement(
                "SELECT event, type, sender, destination, count(*) FROM log WHERE at >= ?1 GROUP BY 1, 2, 3, 4"
            )
            defer { statement.reset() }
            statement.bind(1, since)
            var counts: [LogCount] = []
            while try statement.step() {
                counts.append(
                    LogCount(
                        event: statement.text(0),
                        type: statement.optionalText(1),
                        sender: statement.optionalText(2),
                        destination: statement.optionalText(3),
                        count: statement.int(4)
                    )
                )
            }
            return counts
        }
    }
}
