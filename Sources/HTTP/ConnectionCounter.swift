import Synchronization

/// Open connections across all loops, for ``ServerLimits/maxConnections``.
final class ConnectionCounter: Sendable {
    private let count = Atomic<Int>(0)
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Claims a slot; false (and nothing claimed) when the server is full.
    func tryAcquire() -> Bool {
        let after = count.wrappingAdd(1, ordering: .relaxed).newValue
        if after > limit {
            count.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func release() { count.wrappingSubtract(1, ordering: .relaxed) }

    var current: Int { count.load(ordering: .relaxed) }
}
