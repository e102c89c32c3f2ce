extension GatewayConfig {
    /// How long the store keeps things; pruning runs in small batches so it never blocks ingest.
    public struct Retention: Sendable, Hashable {
        /// Messages' metadata and the routing log are deleted after this many days.
        public var metadataDays: Int = 365
        /// Message bodies are deleted (metadata kept) after this many days.
        public var bodyDays: Int = 90
        /// Rows deleted per pruning transaction.
        public var batchSize: Int = 500

        /// The defaults above.
        public init() {}

        static func read(_ r: JSONObjectReader) -> Retention {
            r.rejectUnknownKeys(["metadataDays", "bodyDays", "batchSize"])
            var retention = Retention()
            func field(_ key: String, _ value: inout Int, _ range: ClosedRange<Int>) {
                guard let read = r.int(key, default: value) else { return }
                ConfigChecks.checkRange(read, range, at: r.path(key), r.problems)
                if range.contains(read) { value = read }
            }
            field("metadataDays", &retention.metadataDays, 1...36_500)
            field("bodyDays", &retention.bodyDays, 1...36_500)
            field("batchSize", &retention.batchSize, 1...100_000)
            if retention.bodyDays > retention.metadataDays {
                r.problems.add(r.path("bodyDays"), "range", "must be ≤ metadataDays (\(retention.metadataDays))")
            }
            return retention
        }
    }
}
