import Delivery
import Foundation
import HTTPCore
import Messages
import Simulators
import Synchronization
import Testing

@Suite struct DelivererTests {
    let fastRetry = RetryPolicy(maxAttempts: 10, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(40), maxAge: .seconds(3600))

    func destination(
        _ simulator: DestinationSimulator,
        retry: RetryPolicy? = nil,
        concurrency: Int = 4,
        threshold: Int = 50,
        openFor: Duration = .seconds(30)
    ) -> Destination {
        Destination(
            id: "sim", url: simulator.baseURL, timeout: .seconds(2), concurrency: concurrency, retry: retry ?? fastRetry,
            breakerFailureThreshold: threshold, breakerOpenDuration: openFor)
    }

    func startSimulator() throws -> DestinationSimulator {
        let simulator = DestinationSimulator()
        try simulator.start()
        return simulator
    }

    @Test func failuresThenRecoveryDeliverOnceWithOneIdempotencyKey() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        simulator.fail(status: 503, count: 3)
        let outbox = InMemoryOutbox()
        let client = HTTPClient()
        defer { client.shutdown() }
        let deliverer = Deliverer(source: outbox, client: client, destinations: [destination(simulator)], pollInterval: .milliseconds(20))
        let id = outbox.enqueue(destination: "sim")
        deliverer.start()
        #expect(await eventually { outbox.row(id)?.state == .delivered })
        await deliverer.stop()

        let seen = try #require(simulator.recorder.request(key: id.rawValue))
        #expect(seen.count == 4)
        #expect(simulator.recorder.counts.count == 1)
        #expect(seen.path == "/inbox")
        #expect(seen.firstHeaders["X-Interchange-Message-Id"] == id.rawValue)
        #expect(seen.firstHeaders["X-Correlation-Id"] == "corr-\(id.rawValue.suffix(6))")
        #expect(seen.firstHeaders["Content-Type"] == "application/json")
        #expect(seen.firstBody == Array(#"{"hello":"world"}"#.utf8))

        let completions = outbox.completions(for: id)
        #expect(completions.map(\.attempt) == [1, 2, 3, 4])
        #expect(completions.filter { $0.outcome == .delivered }.count == 1)
        #expect(completions.last?.outcome == .delivered)
        #expect(completions.prefix(3).allSatisfy { $0.status == 503 && $0.latencyMs != nil })
        for completion in completions.prefix(3) {
            guard case .retry = completion.outcome else {
                Issue.record("expected a retry, got \(completion.outcome)")
                continue
            }
        }
    }

    @Test func badRequestIsDeadLetteredAtOnceWithTheResponseKept() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        simulator.fail(status: 400, count: 1)
        let outbox = InMemoryOutbox()
        let client = HTTPClient()
        defer { client.shutdown() }
        let deliverer = Deliverer(source: outbox, client: client, destinations: [destination(simulator)], pollInterval: .milliseconds(20))
        let id = outbox.enqueue(destination: "sim")
        deliverer.start()
        #expect(await eventually { outbox.row(id)?.state == .dead })
        try await Task.sleep(for: .milliseconds(100))
        await deliverer.stop()

        #expect(simulator.recorder.request(key: id.rawValue)?.count == 1)
        let completions = outbox.completions(for: id)
        #expect(completions.count == 1)
        let last = try #require(completions.last)
        #expect(last.outcome == .deadLetter(reason: "HTTP 400"))
        #expect(last.status == 400)
        #expect(String(decoding: last.responseBody, as: UTF8.self).contains("simulated failure"))
        #expect(last.responseHeaders.contains { $0.0.lowercased() == "content-type" && $0.1 == "application/problem+json" })
    }

    @Test func conflictMeansDelivered() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        simulator.fail(status: 409, count: 1)
        let outbox = InMemoryOutbox()
        let client = HTTPClient()
        defer { client.shutdown() }
        let deliverer = Deliverer(source: outbox, client: client, destinations: [destination(simulator)], pollInterval: .milliseconds(20))
        let id = outbox.enqueue(destination: "sim")
        deliverer.start()
        #expect(await eventually { outbox.row(id)?.state == .delivered })
        await deliverer.stop()
        #expect(outbox.completions(for: id).map(\.status) == [409])
    }

    @Test func retryAfterIsHonoured() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        simulator.fail(status: 503, count: 1, retryAfter: "1")
        let outbox = InMemoryOutbox()
        let client = HTTPClient()
        defer { client.shutdown() }
        let deliverer = Deliverer(source: outbox, client: client, destinations: [destination(simulator)], pollInterval: .milliseconds(20))
        let id = outbox.enqueue(destination: "sim")
        deliverer.start()
        #expect(await eventually { outbox.row(id)?.state == .delivered })
        await deliverer.stop()

        let seen = try #require(simulator.recorder.request(key: id.rawValue))
        try #require(seen.arrivals.count == 2)
        let gap = seen.arrivals[1].timeIntervalSince(seen.arrivals[0])
        #expect(gap >= 1.0, "second attempt came \(gap) s after the first")
        let first = try #require(outbox.completions(for: id).first)
        guard case .retry(let at) = first.outcome else {
            Issue.record("expected a retry, got \(first.outcome)")
            return
        }
        #expect(at.timeIntervalSince(first.finishedAt) >= 1.0)
    }

    @Test func exhaustedAttemptsDeadLetter() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        simulator.fail(status: 500, count: -1)
        let outbox = InMemoryOutbox()
        let client = HTTPClient()
        defer { client.shutdown() }
        var retry = fastRetry
        retry.maxAttempts = 3
        let deliverer = Deliverer(source: outbox, client: client, destinations: [destination(simulator, retry: retry)], pollInterval: .milliseconds(20))
        let id = outbox.enqueue(destination: "sim")
        deliverer.start()
        #expect(await eventually { outbox.row(id)?.state == .dead })
        await deliverer.stop()
        #expect(simulator.recorder.request(key: id.rawValue)?.count == 3)
        guard case .deadLetter(let reason) = outbox.completions(for: id).last?.outcome else {
            Issue.record("expected a dead letter")
            return
        }
        #expect(reason.contains("gave up after 3 attempt(s)"))
        #expect(reason.contains("HTTP 500"))
    }

    @Test func timeoutsAreRetried() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        simulator.mode = .hang
        let outbox = InMemoryOutbox()
        let client = HTTPClient()
        defer { client.shutdown() }
        var target = destination(simulator)
        target.timeout = .milliseconds(200)
        let deliverer = Deliverer(source: outbox, client: client, destinations: [target], pollInterval: .milliseconds(20))
        let id = outbox.enqueue(destination: "sim")
        deliverer.start()
        #expect(await eventually { !outbox.completions(for: id).isEmpty })
        simulator.mode = .ok
        #expect(await eventually { outbox.row(id)?.state == .delivered })
        await deliverer.stop()
        let first = try #require(outbox.completions(for: id).first)
        #expect(first.status == nil)
        #expect(first.error?.contains("timeout") == true)
    }

    @Test func breakerOpensAfterThresholdAndClosesAfterASuccessfulProbe() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        simulator.fail(status: 503, count: -1)
        let outbox = InMemoryOutbox()
        let client = HTTPClient()
        defer { client.shutdown() }
        let target = destination(simulator, concurrency: 1, threshold: 3, openFor: .milliseconds(600))
        let deliverer = Deliverer(source: outbox, client: client, destinations: [target], pollInterval: .milliseconds(10))
        let ids = (0..<4).map { _ in outbox.enqueue(destination: "sim") }
        deliverer.start()
        #expect(await eventually { deliverer.breakerState(destination: "sim") == .open })
        let whenOpened = simulator.recorder.total
        #expect(whenOpened == 3)
        // While open, nothing is sent, however much is due.
        try await Task.sleep(for: .milliseconds(300))
        #expect(simulator.recorder.total == whenOpened)
        #expect(deliverer.breakerState(destination: "sim") == .open)

        // The failed probe re-opens it: exactly one more request.
        #expect(await eventually { simulator.recorder.total == whenOpened + 1 })
        try await Task.sleep(for: .milliseconds(100))
        #expect(deliverer.breakerState(destination: "sim") == .open)
        #expect(simulator.recorder.total == whenOpened + 1)

        simulator.heal()
        #expect(await eventually { ids.allSatisfy { outbox.row($0)?.state == .delivered } })
        #expect(deliverer.breakerState(destination: "sim") == .closed)
        await deliverer.stop()
        for id in ids {
            #expect(outbox.completions(for: id).filter { $0.outcome == .delivered }.count == 1)
        }
    }

    @Test func concurrencyLimitIsRespected() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        let current = Atomic<Int>(0)
        let peak = Atomic<Int>(0)
        simulator.route("/inbox") { _, _ in
            let now = current.add(1, ordering: .relaxed).newValue
            peak.max(now, ordering: .relaxed)
            try? await Task.sleep(for: .milliseconds(50))
            current.subtract(1, ordering: .relaxed)
            return HTTPResponse(status: 200)
        }
        let outbox = InMemoryOutbox()
        let client = HTTPClient()
        defer { client.shutdown() }
        let deliverer = Deliverer(source: outbox, client: client, destinations: [destination(simulator, concurrency: 3)], pollInterval: .milliseconds(10))
        for _ in 0..<15 { outbox.enqueue(destination: "sim") }
        deliverer.start()
        #expect(await eventually { outbox.count(.delivered) == 15 })
        await deliverer.stop()
        #expect(peak.load(ordering: .relaxed) == 3)
    }

    @Test func wakePicksUpNewWorkWithoutWaitingForThePoll() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        let outbox = InMemoryOutbox()
        let client = HTTPClient()
        defer { client.shutdown() }
        let deliverer = Deliverer(source: outbox, client: client, destinations: [destination(simulator)], pollInterval: .seconds(10))
        deliverer.start()
        try await Task.sleep(for: .milliseconds(100))
        let id = outbox.enqueue(destination: "sim")
        let started = ContinuousClock.now
        deliverer.wake(destination: "sim")
        #expect(await eventually(timeout: .seconds(3)) { outbox.row(id)?.state == .delivered })
        #expect(ContinuousClock.now - started < .seconds(1))
        await deliverer.stop()
    }

    @Test func encodeHookCanPrepareAsynchronously() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        let outbox = InMemoryOutbox()
        let client = HTTPClient()
        defer { client.shutdown() }
        let tokenCalls = Atomic<Int>(0)
        var target = destination(simulator)
        target.encode = { item in
            // A destination that needs a token first (as BHXH does): fail once retryably, then succeed.
            if tokenCalls.add(1, ordering: .relaxed).newValue == 1 {
                throw PreparationError(reason: "token endpoint down", retryable: true)
            }
            var payload = item.payload
            payload.pathSuffix = "/claims"
            payload.contentType = "application/x-www-form-urlencoded"
            payload.headers.append(("Authorization", "Bearer t0k3n"))
            return payload
        }
        let deliverer = Deliverer(source: outbox, client: client, destinations: [target], pollInterval: .milliseconds(20))
        let id = outbox.enqueue(destination: "sim")
        deliverer.start()
        #expect(await eventually { outbox.row(id)?.state == .delivered })
        await deliverer.stop()
        let seen = try #require(simulator.recorder.request(key: id.rawValue))
        #expect(seen.count == 1)
        #expect(seen.path == "/claims")
        #expect(seen.firstHeaders["Authorization"] == "Bearer t0k3n")
        #expect(seen.firstHeaders["Content-Type"] == "application/x-www-form-urlencoded")
        let first = try #require(outbox.completions(for: id).first)
        #expect(first.error?.contains("token endpoint down") == true)
    }

    @Test func interpretHookOverridesClassificationOfA200() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        simulator.route("/inbox") { _, _ in .json(200, Array(#"{"maKetQua":"-1","thongDiep":"sai dinh dang"}"#.utf8)) }
        let outbox = InMemoryOutbox()
        let client = HTTPClient()
        defer { client.shutdown() }
        var target = destination(simulator)
        target.interpret = { response in
            // A portal that answers 200 with a result code in the body.
            let text = String(decoding: response.body, as: UTF8.self)
            return text.contains(#""maKetQua":"200""#) ? .delivered : .deadLetter(reason: "rejected: \(text)")
        }
        let deliverer = Deliverer(source: outbox, client: client, destinations: [target], pollInterval: .milliseconds(20))
        let id = outbox.enqueue(destination: "sim")
        deliverer.start()
        #expect(await eventually { outbox.row(id)?.state == .dead })
        await deliverer.stop()
        guard case .deadLetter(let reason) = outbox.completions(for: id).last?.outcome else {
            Issue.record("expected a dead letter")
            return
        }
        #expect(reason.contains("sai dinh dang"))
        #expect(outbox.completions(for: id).last?.status == 200)
    }
}
