import Delivery
import Foundation
import Testing

/// A deterministic generator (SplitMix64) so backoff draws are reproducible.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(100), maxBackoff: .seconds(2), maxAge: .seconds(3600))

    @Test(arguments: [200, 201, 202, 204, 299, 409])
    func deliveredStatuses(status: Int) {
        #expect(policy.classify(status: status, transportError: nil) == .delivered)
    }

    @Test(arguments: [408, 425, 429, 500, 502, 503, 504, 599])
    func retryableStatuses(status: Int) {
        #expect(policy.classify(status: status, transportError: nil) == .retry(after: nil))
    }

    @Test(arguments: [400, 401, 403, 404, 405, 410, 413, 415, 422, 301, 302, 100])
    func deadLetterStatuses(status: Int) {
        #expect(policy.classify(status: status, transportError: nil) == .deadLetter(reason: "HTTP \(status)"))
    }

    @Test func transportErrorsRetry() {
        for kind in [TransportError.Kind.timeout, .connectFailed, .reset, .tls, .pinMismatch, .other] {
            let error = TransportError(kind: kind, curlCode: 7, message: "x")
            #expect(policy.classify(status: nil, transportError: error) == .retry(after: nil))
        }
        let bad = TransportError(kind: .invalidRequest, curlCode: 3, message: "URL using bad/illegal format")
        guard case .deadLetter = policy.classify(status: nil, transportError: bad) else {
            Issue.record("a malformed request can never succeed")
            return
        }
    }

    @Test func retryAfterSecondsHonoured() {
        let result = policy.classify(status: 429, transportError: nil, headers: [("retry-after", "7")])
        #expect(result == .retry(after: .seconds(7)))
        let on503 = policy.classify(status: 503, transportError: nil, headers: [("Retry-After", " 120 ")])
        #expect(on503 == .retry(after: .seconds(120)))
    }

    @Test func retryAfterHTTPDateHonoured() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        let later = "Sun, 06 Nov 1994 08:50:07 GMT"
        #expect(policy.classify(status: 503, transportError: nil, headers: [("Retry-After", later)], now: now) == .retry(after: .seconds(30)))
        let past = "Sun, 06 Nov 1994 08:00:00 GMT"
        #expect(policy.classify(status: 503, transportError: nil, headers: [("Retry-After", past)], now: now) == .retry(after: .zero))
        #expect(policy.classify(status: 503, transportError: nil, headers: [("Retry-After", "soon")], now: now) == .retry(after: nil))
        #expect(RetryAfter.parse("Sunday, 06-Nov-94 08:50:07 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Sun Nov  6 08:50:07 1994", now: now) == .seconds(30))
        #expect(RetryAfter.format(now) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test func retryAfterIgnoredOnDeliveredAndDeadLetter() {
        #expect(policy.classify(status: 200, transportError: nil, headers: [("Retry-After", "5")]) == .delivered)
        #expect(policy.classify(status: 400, transportError: nil, headers: [("Retry-After", "5")]) == .deadLetter(reason: "HTTP 400"))
    }

    @Test func backoffIsFullJitterWithinExponentialCeiling() {
        var random = SeededRandom(state: 42)
        #expect(policy.backoffCeiling(attempt: 1) == .milliseconds(100))
        #expect(policy.backoffCeiling(attempt: 2) == .milliseconds(200))
        #expect(policy.backoffCeiling(attempt: 4) == .milliseconds(800))
        #expect(policy.backoffCeiling(attempt: 6) == .seconds(2))
        #expect(policy.backoffCeiling(attempt: 500) == .seconds(2))
        for attempt in 1...8 {
            let ceiling = policy.backoffCeiling(attempt: attempt)
            var draws: [Duration] = []
            for _ in 0..<200 {
                let delay = policy.nextDelay(attempt: attempt, retryAfter: nil, random: &random)
                #expect(delay >= .zero && delay <= ceiling)
                draws.append(delay)
            }
            // Full jitter spreads over the whole range, not just near the ceiling.
            #expect(draws.contains { $0 < ceiling / 4 })
            #expect(draws.contains { $0 > ceiling * 3 / 4 })
        }
    }

    @Test func retryAfterWinsOverBackoffAndIsCappedOnlyByMaxRetryAfter() {
        var random = SeededRandom(state: 1)
        #expect(policy.nextDelay(attempt: 1, retryAfter: .seconds(10), random: &random) == .seconds(10))
        #expect(policy.nextDelay(attempt: 1, retryAfter: .seconds(86_400), random: &random) == .seconds(3600))
        #expect(policy.nextDelay(attempt: 1, retryAfter: .zero, random: &random) == .zero)
    }

    @Test func exhaustion() {
        let received = Date(timeIntervalSince1970: 1_000_000)
        #expect(!policy.isExhausted(attempts: 4, firstReceivedAt: received, now: received.addingTimeInterval(10)))
        #expect(policy.isExhausted(attempts: 5, firstReceivedAt: received, now: received.addingTimeInterval(10)))
        #expect(!policy.isExhausted(attempts: 1, firstReceivedAt: received, now: received.addingTimeInterval(3599)))
        #expect(policy.isExhausted(attempts: 1, firstReceivedAt: received, now: received.addingTimeInterval(3600)))
    }
}
