import Foundation

extension PostgresStore {
    public func logCounts(since: Date) async throws(StoreError) -> [LogCount] {
        try await readers.run { db throws(StoreError) in
            let rows = try db.query(
                "SELECT event, type, sender, destination, count(*) FROM log WHERE at >= $1 GROUP BY 1, 2, 3, 4",
                [.millis(since)]
            )
            return (0..<rows.rows).map { row in
                LogCount(
                    event: rows.text(row, 0),
                    type: rows.optionalText(row, 1),
                    sender: rows.optionalText(row, 2),
                    destination: rows.optionalText(row, 3),
                    count: rows.int(row, 4)
                )
            }
        }
    }
}
