import Foundation

/// A per-destination circuit breaker as a pure state machine; every method takes `now`.
///
/// Closed → open after ``failureThreshold`` consecutive failures → after ``openDuration`` half-open, letting
/// one probe through → the probe's success closes it, its failure opens it again.
public struct CircuitBreaker: Sendable, Equatable {
    /// The state, as exported to metrics.
    public enum State: String, Sendable, Equatable {
        /// Requests flow.
        case closed
        /// Requests are held back until the open period ends.
        case open
        /// One probe may go; the others wait for its result.
        case halfOpen = "half-open"
    }

    /// Consecutive failures that open the breaker.
    public var failureThreshold: Int
    /// How long the breaker stays open before allowing a probe.
    public var openDuration: Duration

    /// The current state.
    public private(set) var state: State = .closed
    /// Consecutive failures counted while closed.
    public private(set) var consecutiveFailures = 0
    /// While open: when the next probe is allowed.
    public private(set) var openUntil: Date?
    private var probeInFlight = false

    /// Creates a closed breaker.
    public init(failureThreshold: Int = 5, openDuration: Duration = .seconds(30)) {
        self.failureThreshold = max(1, failureThreshold)
        self.openDuration = openDuration
    }

    /// Asks to send one request now. Returns `true` if it may go; in half-open state the caller that gets
    /// `true` carries the probe and must report its outcome.
    public mutating func allowRequest(now: Date) -> Bool {
        switch state {
        case .closed:
            return true
        case .open:
            guard let openUntil, now >= openUntil else { return false }
            state = .halfOpen
            self.openUntil = nil
            probeInFlight = true
            return true
        case .halfOpen:
            if probeInFlight { return false }
            probeInFlight = true
            return true
        }
    }

    /// While open, the instant a probe becomes possible; `nil` when requests may flow now.
    public func blockedUntil(now: Date) -> Date? {
        switch state {
        case .closed: return nil
        case .open: return openUntil.flatMap { $0 > now ? $0 : nil }
        case .halfOpen: return probeInFlight ? now.addingTimeInterval(RetryPolicy.seconds(openDuration)) : nil
        }
    }

    /// The destination answered acceptably: close.
    public mutating func recordSuccess(now: Date) {
        state = .closed
        consecutiveFailures = 0
        openUntil = nil
        probeInFlight = false
    }

    /// The destination failed (no response, 5xx, 408, 429 ...): count, and open at the threshold or when
    /// the half-open probe failed.
    public mutating func recordFailure(now: Date) {
        switch state {
        case .closed:
            consecutiveFailures += 1
            if consecutiveFailures >= failureThreshold { open(now: now) }
        case .halfOpen:
            open(now: now)
        case .open:
            // A request sent before the breaker opened failed late; the open period stands.
            break
        }
    }

    /// A request allowed by ``allowRequest(now:)`` was not sent after all (e.g. nothing to deliver), so a
    /// half-open probe slot is handed back.
    public mutating func releaseProbe() {
        if state == .halfOpen { probeInFlight = false }
    }

    private mutating func open(now: Date) {
        state = .open
        openUntil = now.addingTimeInterval(RetryPolicy.seconds(openDuration))
        probeInFlight = false
    }
}
