import Foundation
import Store
import Synchronization

/// Refuses new work (503 + `Retry-After`) instead of letting queues and memory grow: when a destination's
/// outbox is deeper than `maxOutboxDepth`, or more than `maxInflightRequests` requests are in the pipeline.
///
/// Outbox depths are sampled from the store every `interval` by a background task, so the check on the
/// request path is a dictionary lookup.
final class BackPressure: Sendable {
    private let maxDepth: Int
    private let maxInflight: Int
    private let inflight = Atomic<Int>(0)
    private let depths = Mutex<[String: Int]>([:])
    private let sampler = Mutex<Task<Void, Never>?>(nil)

    init(maxDepth: Int, maxInflight: Int) {
        self.maxDepth = maxDepth
        self.maxInflight = maxInflight
    }

    /// Starts sampling outbox depths.
    func start(store: any MessageStore, interval: Duration = .seconds(1)) {
        let task = Task { [weak self] in
            while !Task.isCancelled {
                if let stats = try? await store.outboxStats() {
                    self?.record(stats)
                }
                try? await Task.sleep(for: interval)
            }
        }
        sampler.withLock { $0 = task }
    }

    /// Stops sampling.
    func stop() {
        sampler.withLock { $0?.cancel() }
    }

    func record(_ stats: [DestinationStats]) {
        let pending = Dictionary(stats.map { ($0.destination, $0.pending + $0.held) }, uniquingKeysWith: +)
        depths.withLock { $0 = pending }
    }

    /// The destinations among `destinations` whose outbox is over the limit.
    func congested(_ destinations: some Sequence<String>) -> [String] {
        depths.withLock { depths in destinations.filter { (depths[$0] ?? 0) > maxDepth } }
    }

    /// Enters the pipeline, or returns `false` when it is full. Pair a `true` with ``leave()``.
    func enter() -> Bool {
        let now = inflight.wrappingAdd(1, ordering: .relaxed).newValue
        if now > maxInflight {
            inflight.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Leaves the pipeline.
    func leave() {
        inflight.wrappingSubtract(1, ordering: .relaxed)
    }
}
