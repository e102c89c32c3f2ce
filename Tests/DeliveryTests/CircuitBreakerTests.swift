import Delivery
import Foundation
import Testing

@Suite struct CircuitBreakerTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func opensAfterThresholdConsecutiveFailures() {
        var breaker = CircuitBreaker(failureThreshold: 3, openDuration: .seconds(10))
        breaker.recordFailure(now: t0)
        breaker.recordFailure(now: t0)
        #expect(breaker.state == .closed)
        do { let allowed = breaker.allowRequest(now: t0); #expect(allowed) }
        breaker.recordFailure(now: t0)
        #expect(breaker.state == .open)
        do { let allowed = breaker.allowRequest(now: t0.addingTimeInterval(9.9)); #expect(!allowed) }
        #expect(breaker.blockedUntil(now: t0) == t0.addingTimeInterval(10))
    }

    @Test func successResetsTheCount() {
        var breaker = CircuitBreaker(failureThreshold: 3, openDuration: .seconds(10))
        breaker.recordFailure(now: t0)
        breaker.recordFailure(now: t0)
        breaker.recordSuccess(now: t0)
        breaker.recordFailure(now: t0)
        breaker.recordFailure(now: t0)
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 2)
    }

    @Test func halfOpenAllowsExactlyOneProbeThenSuccessCloses() {
        var breaker = CircuitBreaker(failureThreshold: 1, openDuration: .seconds(5))
        breaker.recordFailure(now: t0)
        #expect(breaker.state == .open)
        let later = t0.addingTimeInterval(5)
        #expect(breaker.blockedUntil(now: later) == nil)
        do { let allowed = breaker.allowRequest(now: later); #expect(allowed) }
        #expect(breaker.state == .halfOpen)
        do { let allowed = breaker.allowRequest(now: later); #expect(!allowed) }
        #expect(breaker.blockedUntil(now: later) != nil)
        breaker.recordSuccess(now: later)
        #expect(breaker.state == .closed)
        do { let allowed = breaker.allowRequest(now: later); #expect(allowed) }
        do { let allowed = breaker.allowRequest(now: later); #expect(allowed) }
    }

    @Test func failedProbeReopensForAnotherPeriod() {
        var breaker = CircuitBreaker(failureThreshold: 2, openDuration: .seconds(5))
        breaker.recordFailure(now: t0)
        breaker.recordFailure(now: t0)
        let probeTime = t0.addingTimeInterval(6)
        do { let allowed = breaker.allowRequest(now: probeTime); #expect(allowed) }
        breaker.recordFailure(now: probeTime)
        #expect(breaker.state == .open)
        do { let allowed = breaker.allowRequest(now: probeTime.addingTimeInterval(4)); #expect(!allowed) }
        do { let allowed = breaker.allowRequest(now: probeTime.addingTimeInterval(5)); #expect(allowed) }
        #expect(breaker.state == .halfOpen)
    }

    @Test func lateFailureWhileOpenDoesNotExtendThePeriod() {
        var breaker = CircuitBreaker(failureThreshold: 1, openDuration: .seconds(5))
        breaker.recordFailure(now: t0)
        breaker.recordFailure(now: t0.addingTimeInterval(4))
        do { let allowed = breaker.allowRequest(now: t0.addingTimeInterval(5)); #expect(allowed) }
    }

    @Test func releasedProbeCanBeTakenAgain() {
        var breaker = CircuitBreaker(failureThreshold: 1, openDuration: .seconds(1))
        breaker.recordFailure(now: t0)
        let later = t0.addingTimeInterval(1)
        do { let allowed = breaker.allowRequest(now: later); #expect(allowed) }
        breaker.releaseProbe()
        do { let allowed = breaker.allowRequest(now: later); #expect(allowed) }
        do { let allowed = breaker.allowRequest(now: later); #expect(!allowed) }
    }
}
