/// Where the deliverer gets due work and reports results; the store implements it.
public protocol OutboxSource: Sendable {
    /// Leases up to `limit` items that are due for `destination` (not delivered, not dead, due time
    /// passed, no live lease) until now + `lease`. An item whose lease expires without a completion is
    /// due again, so a crash mid-send means a resend with the same idempotency key.
    func claim(destination: String, limit: Int, lease: Duration) async throws -> [ClaimedItem]

    /// Records outcomes and releases the leases. Attempt details go to the routing log.
    func complete(_ completions: [Completion]) async throws
}
