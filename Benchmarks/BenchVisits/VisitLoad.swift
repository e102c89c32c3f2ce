import Delivery
import Foundation

/// Figure 5 of `make bench`: hospital visits posted to a URL by concurrent workers for a fixed time.
///
/// `bench-visits --url URL --mode json|envelope --fixtures DIR [--seconds S] [--concurrency N] [--token T]
/// [--expect STATUS] [--expect-body TEXT] [--curl-threads N] [--run ID] [--dump N]`
///
/// Bodies come from ``VisitBodies`` (prepared before the clock starts). Only answers with status `--expect`
/// (default 202 for json, 200 for envelope) whose body contains `--expect-body` (if given) count as successes;
/// p50/p99 are over successes. Prints one line:
/// `RESULT mode=M requests=N ok=N visits=N seconds=S rps=R vps=V p50_ms=X p99_ms=Y other=N s4xx=N s5xx=N errors=N`
/// (`other`: answers with the expected class but wrong status or body; `errors`: no answer).
enum VisitLoad {
    /// Per-worker tallies.
    private struct Tally: Sendable {
        var latencies: [Double] = []
        var requests = 0
        var other = 0
        var s4xx = 0
        var s5xx = 0
        var errors = 0
        var firstBad = ""
    }

    /// Runs the load; returns the exit status.
    static func main(_ arguments: [String]) async -> Int32 {
        var url = ""
        var modeName = ""
        var fixtures = ""
        var seconds = 10.0
        var concurrency = 64
        var token = ""
        var expect = 0
        var expectBody = ""
        var curlThreads = 2
        var run = String(UUID().uuidString.filter { $0.isLetter || $0.isNumber }.prefix(3))
        var dump = -1
        var index = 0
        while index < arguments.count {
            let value = index + 1 < arguments.count ? arguments[index + 1] : ""
            switch arguments[index] {
            case "--url": url = value
            case "--mode": modeName = value
            case "--fixtures": fixtures = value
            case "--seconds": seconds = Double(value) ?? -1
            case "--concurrency": concurrency = Int(value) ?? -1
            case "--token": token = value
            case "--expect": expect = Int(value) ?? -1
            case "--expect-body": expectBody = value
            case "--curl-threads": curlThreads = Int(value) ?? -1
            case "--run": run = String(value.prefix(3))
            case "--dump": dump = Int(value) ?? -1
            default: return usage()
            }
            index += 2
        }
        guard let mode = VisitBodies.Mode(rawValue: modeName), !url.isEmpty || dump >= 0, !fixtures.isEmpty, seconds > 0,
              concurrency > 0, concurrency <= 99, curlThreads > 0, expect >= 0, run.utf8.count == 3 else { return usage() }
        if expect == 0 { expect = mode == .json ? 202 : 200 }
        let bodies: VisitBodies
        do {
            bodies = try VisitBodies(mode: mode, fixtures: fixtures, run: run)
        } catch {
            FileHandle.standardError.write(Data("bench-visits: \(error)\n".utf8))
            return 1
        }
        if dump >= 0 {
            // Diagnostics: print body number `dump` and stop.
            FileHandle.standardOutput.write(Data(bodies.body(dump)))
            return 0
        }
        var headers = [("Content-Type", bodies.contentType)]
        if !token.isEmpty { headers.append(("Authorization", "Bearer \(token)")) }
        let client = HTTPClient(workers: curlThreads, maxConnectionsPerHost: concurrency)
        defer { client.shutdown() }
        let expectedBody = Array(expectBody.utf8)

        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        var total = Tally()
        await withTaskGroup(of: Tally.self) { group in
            for worker in 0..<concurrency {
                group.addTask { [headers, url, expect] in
                    var tally = Tally()
                    // Worker w numbers its requests w·10⁸ + 1, 2, …: unique in the run without shared state.
                    var n = worker * 100_000_000
                    while ContinuousClock.now < deadline {
                        n += 1
                        let request = OutboundRequest(url: url, headers: headers, body: bodies.body(n), timeout: .seconds(60))
                        let began = ContinuousClock.now
                        let result = await client.send(request)
                        let elapsed = ContinuousClock.now - began
                        tally.requests += 1
                        switch result {
                        case .success(let response):
                            if response.status == expect && (expectedBody.isEmpty || contains(response.body, expectedBody)) {
                                tally.latencies.append(milliseconds(elapsed))
                            } else {
                                switch response.status {
                                case 400..<500: tally.s4xx += 1
                                case 500..<600: tally.s5xx += 1
                                default: tally.other += 1
                                }
                                if tally.firstBad.isEmpty {
                                    let text = String(decoding: response.body.prefix(200), as: UTF8.self)
                                    tally.firstBad = "\(response.status) \(text)"
                                }
                            }
                        case .failure(let error):
                            tally.errors += 1
                            if tally.firstBad.isEmpty { tally.firstBad = "\(error)" }
                        }
                    }
                    return tally
                }
            }
            for await tally in group {
                total.latencies.append(contentsOf: tally.latencies)
                total.requests += tally.requests
                total.other += tally.other
                total.s4xx += tally.s4xx
                total.s5xx += tally.s5xx
                total.errors += tally.errors
                if total.firstBad.isEmpty { total.firstBad = tally.firstBad }
            }
        }
        let elapsed = Self.seconds(ContinuousClock.now - start)
        total.latencies.sort()
        let ok = total.latencies.count
        let visits = ok * bodies.visitsPerRequest
        let line = String(
            format: "RESULT mode=%@ requests=%d ok=%d visits=%d seconds=%.2f rps=%.1f vps=%.1f p50_ms=%.2f p99_ms=%.2f other=%d s4xx=%d s5xx=%d errors=%d\n",
            mode.rawValue, total.requests, ok, visits, elapsed, Double(ok) / elapsed, Double(visits) / elapsed,
            percentile(total.latencies, 0.50), percentile(total.latencies, 0.99),
            total.other, total.s4xx, total.s5xx, total.errors)
        FileHandle.standardOutput.write(Data(line.utf8))
        if !total.firstBad.isEmpty {
            FileHandle.standardError.write(Data("bench-visits: first non-success: \(total.firstBad)\n".utf8))
        }
        return 0
    }

    private static func usage() -> Int32 {
        FileHandle.standardError.write(Data("""
            usage: bench-visits --url URL --mode json|envelope --fixtures DIR [--seconds S] [--concurrency N]
                   [--token T] [--expect STATUS] [--expect-body TEXT] [--curl-threads N] [--run ID(3 chars)] [--dump N]

            """.utf8))
        return 2
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func milliseconds(_ duration: Duration) -> Double { seconds(duration) * 1000 }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}
