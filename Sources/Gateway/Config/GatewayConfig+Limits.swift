extension GatewayConfig {
    /// Per-listener resource limits (TECH.md §3.2). Every field has a default.
    public struct Limits: Sendable, Hashable {
        /// Largest request head (request line + headers) in bytes; beyond it → 431.
        public var maxHeadBytes: Int = 16_384
        /// Largest body of a single-message request in bytes; beyond it → 413.
        public var maxBodyBytes: Int = 1_048_576
        /// Largest body of a batch (JSON array, GIAMDINHHS envelope) in bytes.
        public var maxBatchBodyBytes: Int = 33_554_432
        /// The whole head must arrive within this many milliseconds of the first byte (slowloris) → 408.
        public var headTimeoutMs: Int = 10_000
        /// The body must arrive within this many milliseconds after the head.
        public var bodyTimeoutMs: Int = 30_000
        /// Idle keep-alive connections are closed after this many milliseconds.
        public var idleTimeoutMs: Int = 60_000
        /// Open connections per listener; more are refused.
        public var maxConnections: Int = 10_000

        /// A destination whose outbox holds more pending messages than this makes ingest for it answer 503.
        public var maxOutboxDepth: Int = 200_000
        /// Requests being decoded or committed at once; more answer 503 (bounds memory under any input).
        public var maxInflightRequests: Int = 2_048

        /// The defaults above.
        public init() {}

        static let keys: Set<String> = [
            "maxHeadBytes", "maxBodyBytes", "maxBatchBodyBytes", "headTimeoutMs", "bodyTimeoutMs", "idleTimeoutMs",
            "maxConnections", "maxOutboxDepth", "maxInflightRequests",
        ]

        static func read(_ r: JSONObjectReader) -> Limits {
            r.rejectUnknownKeys(keys)
            var limits = Limits()
            func field(_ key: String, _ value: inout Int, _ range: ClosedRange<Int>) {
                guard let read = r.int(key, default: value) else { return }
                ConfigChecks.checkRange(read, range, at: r.path(key), r.problems)
                if range.contains(read) { value = read }
            }
            field("maxHeadBytes", &limits.maxHeadBytes, 1024...1_048_576)
            field("maxBodyBytes", &limits.maxBodyBytes, 1...Int.max)
            field("maxBatchBodyBytes", &limits.maxBatchBodyBytes, 1...Int.max)
            field("headTimeoutMs", &limits.headTimeoutMs, 1...Int.max)
            field("bodyTimeoutMs", &limits.bodyTimeoutMs, 1...Int.max)
            field("idleTimeoutMs", &limits.idleTimeoutMs, 1...Int.max)
            field("maxConnections", &limits.maxConnections, 1...Int.max)
            field("maxOutboxDepth", &limits.maxOutboxDepth, 1...Int.max)
            field("maxInflightRequests", &limits.maxInflightRequests, 1...1_000_000)
            if limits.maxBatchBodyBytes < limits.maxBodyBytes {
                r.problems.add(r.path("maxBatchBodyBytes"), "range", "must be ≥ maxBodyBytes (\(limits.maxBodyBytes))")
            }
            return limits
        }
    }
}
