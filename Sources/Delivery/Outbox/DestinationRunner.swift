import Messages
import Foundation
import Synchronization

/// The delivery loop of one destination: claim due items, send up to the concurrency limit, classify,
/// report. Owned by ``Deliverer``.
final class DestinationRunner: Sendable {
    let destination: Destination
    let signal = WakeSignal()
    let breaker: Mutex<CircuitBreaker>
    private let inFlight = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let source: any OutboxSource
    private let client: HTTPClient
    private let pollInterval: Duration
    private let now: @Sendable () -> Date

    init(
        destination: Destination,
        source: any OutboxSource,
        client: HTTPClient,
        pollInterval: Duration,
        now: @escaping @Sendable () -> Date
    ) {
        self.destination = destination
        self.source = source
        self.client = client
        self.pollInterval = pollInterval
        self.now = now
        breaker = Mutex(
            CircuitBreaker(
                failureThreshold: destination.breakerFailureThreshold,
                openDuration: destination.breakerOpenDuration))
    }

    /// Requests in flight right now.
    var activeRequests: Int { inFlight.load(ordering: .relaxed) }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        signal.signal()
    }

    /// Runs until ``stop()``; returns once every send in flight has been reported.
    func run() async {
        await withDiscardingTaskGroup { group in
            while !stopping.load(ordering: .relaxed) {
                let current = now()
                let (blocked, probing) = breaker.withLock { breaker in
                    (breaker.blockedUntil(now: current), breaker.state != .closed)
                }
                if let blocked {
                    await signal.wait(timeout: min(.seconds(blocked.timeIntervalSince(current)), .seconds(1)))
                    continue
                }
                let free = destination.concurrency - inFlight.load(ordering: .relaxed)
                guard free > 0 else {
                    await signal.wait(timeout: pollInterval)
                    continue
                }
                let items: [ClaimedItem]
                do {
                    items = try await source.claim(destination: destination.id, limit: probing ? 1 : free, lease: destination.lease)
                } catch {
                    await signal.wait(timeout: pollInterval)
                    continue
                }
                if items.isEmpty {
                    await signal.wait(timeout: pollInterval)
                    continue
                }
                var postponed: [Completion] = []
                for item in items {
                    let started = now()
                    let allowed = breaker.withLock { $0.allowRequest(now: started) }
                    guard allowed else {
                        let until = breaker.withLock { $0.blockedUntil(now: started) } ?? started.addingTimeInterval(RetryPolicy.seconds(pollInterval))
                        postponed.append(
                            Completion(
                                messageId: item.messageId, destination: item.destination, attempt: item.attempt,
                                outcome: .postponed(until: until), error: "circuit breaker open",
                                startedAt: started, finishedAt: started, claimToken: item.claimToken))
                        continue
                    }
                    inFlight.add(1, ordering: .relaxed)
                    group.addTask { [self] in
                        let completion = await self.attempt(item)
                        await self.report([completion])
                        inFlight.subtract(1, ordering: .relaxed)
                        signal.signal()
                    }
                }
                if !postponed.isEmpty { await report(postponed) }
            }
        }
    }

    /// Makes one attempt and decides the outcome. Never throws: every failure is an outcome.
    func attempt(_ item: ClaimedItem) async -> Completion {
        let started = now()
        let number = item.attempt + 1
        let policy = destination.retry
        var completion = Completion(
            messageId: item.messageId, destination: item.destination, attempt: number, outcome: .delivered,
            startedAt: started, finishedAt: started, claimToken: item.claimToken)

        let payload: OutboundPayload
        do {
            payload = try await destination.encode(item)
        } catch {
            breaker.withLock { $0.releaseProbe() }
            let finished = now()
            completion.finishedAt = finished
            completion.error = "prepare: \(error)"
            if let preparation = error as? PreparationError, preparation.retryable {
                completion.outcome = retryOutcome(item: item, attempts: number, retryAfter: nil, now: finished, last: completion.error ?? "")
            } else {
                completion.outcome = .deadLetter(reason: "cannot encode: \(error)")
            }
            return completion
        }

        var headers: [(String, String)] = [
            ("Content-Type", payload.contentType),
            ("Idempotency-Key", item.messageId.rawValue),
            ("X-Interchange-Message-Id", item.messageId.rawValue),
        ]
        if !item.correlationId.isEmpty { headers.append(("X-Correlation-Id", item.correlationId)) }
        headers.append(contentsOf: payload.headers)
        let request = OutboundRequest(
            url: destination.url + payload.pathSuffix, method: payload.method, headers: headers, body: payload.body,
            timeout: destination.timeout, tls: destination.tls)
        let result = await client.send(request)
        let finished = now()
        completion.finishedAt = finished

        let verdict: AttemptClass
        switch result {
        case .success(let response):
            completion.status = response.status
            completion.latencyMs = Self.milliseconds(response.latency)
            completion.responseHeaders = response.headers
            completion.responseBody = response.body
            verdict = destination.interpret?(response)
                ?? policy.classify(status: response.status, transportError: nil, headers: response.headers, now: finished)
        case .failure(let error):
            completion.latencyMs = finished.timeIntervalSince(started) * 1000
            completion.error = error.description
            verdict = policy.classify(status: nil, transportError: error, now: finished)
        }

        switch verdict {
        case .delivered:
            breaker.withLock { $0.recordSuccess(now: finished) }
            completion.outcome = .delivered
        case .deadLetter(let reason):
            // The destination answered (or the request was malformed): it is up, so the breaker closes.
            breaker.withLock { $0.recordSuccess(now: finished) }
            completion.outcome = .deadLetter(reason: reason)
        case .retry(let after):
            breaker.withLock { $0.recordFailure(now: finished) }
            let last = completion.status.map { "HTTP \($0)" } ?? completion.error ?? "failure"
            completion.outcome = retryOutcome(item: item, attempts: number, retryAfter: after, now: finished, last: last)
        }
        return completion
    }

    private func retryOutcome(item: ClaimedItem, attempts: Int, retryAfter: Duration?, now: Date, last: String) -> Completion.Outcome {
        let policy = destination.retry
        if policy.isExhausted(attempts: attempts, firstReceivedAt: item.receivedAt, now: now) {
            return .deadLetter(reason: "gave up after \(attempts) attempt(s); last: \(last)")
        }
        var random = SystemRandomNumberGenerator()
        let delay = policy.nextDelay(attempt: attempts, retryAfter: retryAfter, random: &random)
        let at = now.addingTimeInterval(RetryPolicy.seconds(delay))
        if policy.isExhausted(attempts: 0, firstReceivedAt: item.receivedAt, now: at) {
            return .deadLetter(reason: "next attempt would be past the maximum age; last: \(last)")
        }
        return .retry(at: at)
    }

    /// Reports completions; a failed report is retried a few times, after which the lease expiry makes
    /// the item due again (a resend under the same idempotency key, which destinations absorb).
    private func report(_ completions: [Completion]) async {
        for delay in [0, 50, 250, 1000] {
            if delay > 0 { try? await Task.sleep(for: .milliseconds(delay)) }
            do {
                try await source.complete(completions)
                return
            } catch {
                continue
            }
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        RetryPolicy.seconds(duration) * 1000
    }
}
