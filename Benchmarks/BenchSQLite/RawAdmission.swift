import Foundation
import Messages
import Store

/// Baseline A of the ingest benchmark: what durability costs without HTTP. Concurrent tasks admit `test.note`
/// messages shaped like the gateway's (same canonical body, one outbox row, the `stored` and `routed` log
/// events) one per call through ``SQLiteStore/admit(_:)``, so the store's single writer group-commits them
/// (WAL, `synchronous=FULL`) exactly as it does behind the HTTP ingest path.
///
/// `bench-sqlite --db PATH [--seconds S] [--tasks N] [--max-batch N] [--batch-delay-ms N]` prints one line:
/// `raw-sqlite admitted=N seconds=S rate=R p50_ms=X p99_ms=Y`.
enum RawAdmission {
    /// Runs the benchmark; returns the exit status.
    static func main(_ arguments: [String]) async -> Int32 {
        var path = ""
        var seconds = 10.0
        var tasks = 64
        var options = SQLiteStore.Options()
        var index = 0
        while index < arguments.count {
            let value = index + 1 < arguments.count ? arguments[index + 1] : ""
            switch arguments[index] {
            case "--db": path = value
            case "--seconds": seconds = Double(value) ?? -1
            case "--tasks": tasks = Int(value) ?? -1
            // Diagnostics only: the bench runs the store's defaults.
            case "--max-batch": options.maxBatch = Int(value) ?? options.maxBatch
            case "--batch-delay-ms": options.maxBatchDelay = .milliseconds(Int(value) ?? 2)
            default:
                FileHandle.standardError.write(Data("usage: bench-sqlite --db PATH [--seconds S] [--tasks N] [--max-batch N] [--batch-delay-ms N]\n".utf8))
                return 2
            }
            index += 2
        }
        guard !path.isEmpty, seconds > 0, tasks > 0 else {
            FileHandle.standardError.write(Data("bench-sqlite: need --db, seconds > 0, tasks > 0\n".utf8))
            return 2
        }
        let store: SQLiteStore
        do {
            store = try SQLiteStore(path: path, node: "bench", options: options)
        } catch {
            FileHandle.standardError.write(Data("bench-sqlite: \(error)\n".utf8))
            return 1
        }
        let run = UUID().uuidString.prefix(8)
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        var latencies: [Double] = []
        var failures = 0
        await withTaskGroup(of: ([Double], Int).self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var mine: [Double] = []
                    var failed = 0
                    var counter = 0
                    while ContinuousClock.now < deadline {
                        counter += 1
                        let admission = Self.admission(key: "raw-\(run)-\(task)-\(counter)", counter: counter)
                        let began = ContinuousClock.now
                        do {
                            let results = try await store.admit([admission])
                            if case .stored = results.first { mine.append(Self.milliseconds(ContinuousClock.now - began)) }
                        } catch {
                            failed += 1
                        }
                    }
                    return (mine, failed)
                }
            }
            for await (mine, failed) in group {
                latencies.append(contentsOf: mine)
                failures += failed
            }
        }
        let elapsed = Self.seconds(ContinuousClock.now - start)
        store.close()
        latencies.sort()
        let line = String(
            format: "raw-sqlite admitted=%d failed=%d seconds=%.2f rate=%.1f p50_ms=%.2f p99_ms=%.2f\n",
            latencies.count, failures, elapsed, Double(latencies.count) / elapsed,
            percentile(latencies, 0.50), percentile(latencies, 0.99))
        FileHandle.standardOutput.write(Data(line.utf8))
        return failures == 0 ? 0 : 1
    }

    /// One admission as `IngestService` builds it for a `POST /v1/test/notes` of the benchmark's body.
    static func admission(key: String, counter: Int) -> Admission {
        let text = "benchmark note \(counter): a small unique test message"
        let body = Array(#"{"key":"\#(key)","text":"\#(text)"}"#.utf8)
        let message = CanonicalMessage(
            type: "test.note",
            sender: "bench",
            idempotencyKey: key,
            businessKeys: [BusinessKey(kind: "key", value: key)],
            correlationId: UUID().uuidString.lowercased(),
            body: body
        )
        let stored = #"{"key":"\#(key)","hash":"\#(message.contentHash)","bytes":\#(body.count),"correlation_id":"\#(message.correlationId)"}"#
        return Admission(
            message: message,
            destinations: [OutboxTarget(destination: "sink")],
            events: [
                LogEvent(at: message.receivedAt, event: "stored", detail: stored),
                LogEvent(at: message.receivedAt, event: "routed", detail: #"{"destinations":["sink"]}"#),
            ]
        )
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
