import Foundation
import Messages
import Testing
@testable import Store

/// Admission throughput with 64 concurrent writers, on demand only (`INTERCHANGE_STORE_BENCH=seconds`);
/// measure with `swift test -c release --filter ThroughputTests`.
@Suite(.serialized) struct ThroughputTests {
    private static let seconds = ProcessInfo.processInfo.environment["INTERCHANGE_STORE_BENCH"].flatMap(Double.init)

    @Test(.enabled(if: seconds != nil), arguments: StoreKind.available)
    func admissionsPerSecond(kind: StoreKind) async throws {
        let duration = ThroughputTests.seconds ?? 1
        try await withStore(kind) { store, _ in
            let deadline = Date().addingTimeInterval(duration)
            let started = Date()
            let count = try await withThrowingTaskGroup(of: Int.self) { group in
                for worker in 0..<64 {
                    group.addTask {
                        var done = 0
                        while Date() < deadline {
                            let message = makeMessage(key: "LK-\(worker)-\(done)", bodySize: 2048)
                            _ = try await store.admit([makeAdmission(message)])
                            done += 1
                        }
                        return done
                    }
                }
                return try await group.reduce(0, +)
            }
            let elapsed = Date().timeIntervalSince(started)
            let stats = store.commitStats
            print(
                "store throughput \(kind): \(Int(Double(count) / elapsed)) admissions/s "
                    + "(\(count) in \(String(format: "%.1f", elapsed)) s, mean batch \(String(format: "%.1f", stats.meanBatch)))"
            )
            #expect(stats.failedCommits == 0)
            #expect(try await store.verifyLog().ok)
        }
    }
}
