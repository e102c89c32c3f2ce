import Delivery
import Foundation
import Simulators
import Testing

/// A measurement, not a check: run with `DELIVERY_BENCH=1 swift test -c release --filter ThroughputTests`.
@Suite struct ThroughputTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["DELIVERY_BENCH"] != nil))
    func postsPerSecondAt64Concurrent() async throws {
        let simulator = DestinationSimulator(loops: 1)
        try simulator.start()
        defer { simulator.shutdown() }
        let client = HTTPClient(workers: 1, maxConnectionsPerHost: 64)
        defer { client.shutdown() }
        let url = simulator.baseURL + "/bench"
        let body = [UInt8](repeating: 0x61, count: 2048)
        let seconds = Double(ProcessInfo.processInfo.environment["DELIVERY_BENCH_SECONDS"] ?? "5") ?? 5
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let started = ContinuousClock.now
        let (ok, failed, connections) = await withTaskGroup(of: (Int, Int, Int).self) { group in
            for lane in 0..<64 {
                group.addTask {
                    var ok = 0
                    var failed = 0
                    var connections = 0
                    var index = 0
                    while ContinuousClock.now < deadline {
                        index += 1
                        let result = await client.send(
                            OutboundRequest(url: url, headers: [("Idempotency-Key", "bench"), ("X-Seq", "\(lane)-\(index)")], body: body, timeout: .seconds(10)))
                        if case .success(let response) = result, response.status == 200 {
                            ok += 1
                            connections += response.newConnections
                        } else {
                            failed += 1
                        }
                    }
                    return (ok, failed, connections)
                }
            }
            var totals = (0, 0, 0)
            for await (ok, failed, connections) in group {
                totals.0 += ok
                totals.1 += failed
                totals.2 += connections
            }
            return totals
        }
        let elapsed = ContinuousClock.now - started
        let rate = Double(ok) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        print("THROUGHPUT posts/s=\(Int(rate)) ok=\(ok) failed=\(failed) newConnections=\(connections)")
        #expect(failed == 0)
        #expect(connections <= 64)
    }
}
