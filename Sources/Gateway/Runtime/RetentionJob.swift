import Foundation
import Store
import Synchronization

/// Retention in the background: every ``Schedule/interval``, empties the bodies of finished messages older than
/// `bodyDays` and deletes finished messages and routing-log entries older than `metadataDays`, in batches of
/// `batchSize` with a short pause between batches, until nothing is left.
///
/// Each batch is one small transaction through the store's writer (group commit), and the pause lets queued
/// ingest commits run between batches, so pruning a large backlog never stalls the 202s. A failing store ends
/// the pass; the next pass tries again.
public final class RetentionJob: Sendable {
    /// When passes run and what "now" is (injectable so tests can age messages without waiting days).
    public struct Schedule: Sendable {
        /// Time between the end of one pass and the start of the next.
        public var interval: Duration
        /// Pause between two batches of one pass, so ingest commits interleave.
        public var pause: Duration
        /// The clock ages are measured from.
        public var now: @Sendable () -> Date

        /// Creates a schedule: by default a pass every 5 minutes with 50 ms between batches, on the wall clock.
        public init(
            interval: Duration = .seconds(300),
            pause: Duration = .milliseconds(50),
            now: @escaping @Sendable () -> Date = { Date() }
        ) {
            self.interval = interval
            self.pause = pause
            self.now = now
        }
    }

    /// What the job has done since it started.
    public struct Counts: Sendable, Hashable {
        /// Completed passes.
        public var passes = 0
        /// Bodies emptied.
        public var bodies = 0
        /// Messages plus log entries deleted.
        public var metadata = 0
        /// Passes that a store error ended early.
        public var failures = 0
        /// The last store error, if any.
        public var lastError: String?
    }

    private let store: any MessageStore
    private let retention: GatewayConfig.Retention
    private let schedule: Schedule
    private let metrics: Metrics?
    private let state = Mutex(Counts())
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Creates a job; nothing runs until ``start()``.
    ///
    /// - Parameters:
    ///   - store: The store to prune.
    ///   - retention: Ages (days) and batch size from the configuration.
    ///   - schedule: Pass interval, pause between batches, clock.
    ///   - metrics: Where pruned counts are reported, if anywhere.
    public init(
        store: any MessageStore,
        retention: GatewayConfig.Retention,
        schedule: Schedule = Schedule(),
        metrics: Metrics? = nil
    ) {
        self.store = store
        self.retention = retention
        self.schedule = schedule
        self.metrics = metrics
    }

    /// What the job has done so far.
    public var counts: Counts { state.withLock { $0 } }

    /// Starts the passes: the first right away, then one every ``Schedule/interval``.
    public func start() {
        let interval = schedule.interval
        let running = Task { [self] in
            while !Task.isCancelled {
                await runPass()
                try? await Task.sleep(for: interval)
            }
        }
        task.withLock { $0 = running }
    }

    /// Stops the passes and waits for the batch in progress, if any, to finish.
    public func stop() async {
        let running = task.withLock { current in
            defer { current = nil }
            return current
        }
        running?.cancel()
        await running?.value
    }

    /// Runs one pass: bodies, then metadata, each in batches until nothing is left (or the job is stopped).
    public func runPass() async {
        let now = schedule.now()
        let day: TimeInterval = 86_400
        // Never past the pass's start on the wall clock: the `pruned` events the pass itself logs (and what
        // ingest logs meanwhile) are then never old enough, so each loop ends even if `now` runs ahead.
        let started = Date()
        let bodyCutoff = min(now.addingTimeInterval(-Double(retention.bodyDays) * day), started)
        let metadataCutoff = min(now.addingTimeInterval(-Double(retention.metadataDays) * day), started)
        do {
            while try await pruneBodies(before: bodyCutoff) > 0 {
                try? await Task.sleep(for: schedule.pause)
            }
            while try await pruneMetadata(before: metadataCutoff) > 0 {
                try? await Task.sleep(for: schedule.pause)
            }
            state.withLock { $0.passes += 1 }
        } catch {
            state.withLock { counts in
                counts.failures += 1
                counts.lastError = "\(error)"
            }
        }
    }

    /// One batch of bodies; 0 also when the job was stopped, so the pass ends.
    private func pruneBodies(before cutoff: Date) async throws -> Int {
        guard !Task.isCancelled else { return 0 }
        let count = try await store.pruneBodies(receivedBefore: cutoff, limit: retention.batchSize)
        state.withLock { $0.bodies += count }
        metrics?.recordPruned(what: "bodies", count: count)
        return count
    }

    /// One batch of messages and log entries; 0 also when the job was stopped, so the pass ends.
    private func pruneMetadata(before cutoff: Date) async throws -> Int {
        guard !Task.isCancelled else { return 0 }
        let count = try await store.pruneMetadata(before: cutoff, limit: retention.batchSize)
        state.withLock { $0.metadata += count }
        metrics?.recordPruned(what: "metadata", count: count)
        return count
    }
}
