import Foundation
import Synchronization

/// Drives delivery from the outbox: one loop per destination, each with its own concurrency limit and
/// circuit breaker, sending through a shared ``HTTPClient``.
///
/// Every request carries `Idempotency-Key` and `X-Interchange-Message-Id` (the message id) and
/// `X-Correlation-Id`. When idle, a loop polls its outbox every `pollInterval`; ``wake(destination:)``
/// makes it look at once (call it after committing new outbox rows).
public final class Deliverer: Sendable {
    private let runners: [String: DestinationRunner]
    private let tasks = Mutex<[Task<Void, Never>]>([])

    /// Creates the deliverer; nothing runs until ``start()``.
    ///
    /// - Parameters:
    ///   - source: The outbox.
    ///   - client: The HTTP client, shared by every destination.
    ///   - destinations: The destinations to serve; ids must be unique (later duplicates are ignored).
    ///   - pollInterval: How often an idle loop asks the outbox for due work.
    ///   - now: The wall clock, injectable for tests.
    public init(
        source: any OutboxSource,
        client: HTTPClient,
        destinations: [Destination],
        pollInterval: Duration = .milliseconds(100),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        var runners: [String: DestinationRunner] = [:]
        for destination in destinations where runners[destination.id] == nil {
            runners[destination.id] = DestinationRunner(
                destination: destination, source: source, client: client, pollInterval: pollInterval, now: now)
        }
        self.runners = runners
    }

    /// Starts one loop per destination. Idempotent; a stopped deliverer does not start again (make a new one).
    public func start() {
        tasks.withLock { tasks in
            guard tasks.isEmpty else { return }
            tasks = runners.values.map { runner in Task { await runner.run() } }
        }
    }

    /// Makes the destination's loop look for due work now instead of at its next poll.
    public func wake(destination: String) {
        runners[destination]?.signal.signal()
    }

    /// Wakes every destination's loop.
    public func wakeAll() {
        for runner in runners.values { runner.signal.signal() }
    }

    /// Stops claiming and waits until every send in flight has been reported.
    public func stop() async {
        for runner in runners.values { runner.stop() }
        let running = tasks.withLock { tasks in
            defer { tasks.removeAll() }
            return tasks
        }
        for task in running { await task.value }
    }

    /// The breaker state of a destination, for metrics; `nil` for an unknown id.
    public func breakerState(destination: String) -> CircuitBreaker.State? {
        runners[destination]?.breaker.withLock { $0.state }
    }

    /// Requests in flight to a destination, for metrics.
    public func activeRequests(destination: String) -> Int {
        runners[destination]?.activeRequests ?? 0
    }

    /// The destination ids served.
    public var destinationIDs: [String] { runners.keys.sorted() }
}
