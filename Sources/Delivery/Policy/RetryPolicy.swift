import Foundation

/// When to retry a delivery, how long to wait, and when to give up. Pure: no clocks, no I/O.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts allowed in total (the first one included).
    public var maxAttempts: Int
    /// Backoff ceiling for the first retry; doubles for each further one.
    public var initialBackoff: Duration
    /// Ceiling on the computed backoff.
    public var maxBackoff: Duration
    /// Age (since the gateway received the message) after which no further attempt is made.
    public var maxAge: Duration
    /// Ceiling on a server's `Retry-After`, against absurd values. `Retry-After` is otherwise honoured
    /// as sent, even above ``maxBackoff``: the server said "not before".
    public var maxRetryAfter: Duration

    /// Creates a policy.
    public init(
        maxAttempts: Int = 12,
        initialBackoff: Duration = .seconds(1),
        maxBackoff: Duration = .seconds(300),
        maxAge: Duration = .seconds(72 * 3600),
        maxRetryAfter: Duration = .seconds(3600)
    ) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxAge = maxAge
        self.maxRetryAfter = maxRetryAfter
    }

    /// Classifies one attempt.
    ///
    /// 2xx and 409 are delivered; 408, 425, 429, 5xx and every transport error are retried (with the
    /// `Retry-After` delay if the answer carried one); any other status is a dead letter.
    ///
    /// - Parameters:
    ///   - status: The HTTP status, or `nil` when there was no response.
    ///   - transportError: Why there was no response.
    ///   - headers: The response headers (for `Retry-After`).
    ///   - now: The instant `Retry-After` dates are measured from.
    public func classify(
        status: Int?,
        transportError: TransportError?,
        headers: [(String, String)] = [],
        now: Date = Date()
    ) -> AttemptClass {
        guard let status else {
            if let transportError, transportError.kind == .invalidRequest {
                return .deadLetter(reason: "invalid request: \(transportError.message)")
            }
            return .retry(after: nil)
        }
        switch status {
        case 200...299, 409:
            return .delivered
        case 408, 425, 429, 500...599:
            let header = headers.first { $0.0.lowercased() == "retry-after" }?.1
            return .retry(after: header.flatMap { RetryAfter.parse($0, now: now) })
        default:
            return .deadLetter(reason: "HTTP \(status)")
        }
    }

    /// The wait before the next attempt.
    ///
    /// Exponential backoff with full jitter: a uniform draw in `0...min(maxBackoff, initialBackoff·2^(attempt-1))`.
    /// A server's `Retry-After` replaces it, capped only by ``maxRetryAfter``.
    ///
    /// - Parameters:
    ///   - attempt: Attempts made so far (1 after the first failure).
    ///   - retryAfter: The server's requested delay, if any.
    ///   - random: The randomness source (seed it in tests).
    public func nextDelay(attempt: Int, retryAfter: Duration?, random: inout some RandomNumberGenerator) -> Duration {
        if let retryAfter { return min(max(retryAfter, .zero), maxRetryAfter) }
        let ceiling = backoffCeiling(attempt: attempt)
        let ceilingNanos = Self.nanoseconds(ceiling)
        guard ceilingNanos > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...ceilingNanos, using: &random))
    }

    /// The upper bound of ``nextDelay(attempt:retryAfter:random:)`` without `Retry-After`.
    public func backoffCeiling(attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 40)
        let initial = Double(Self.nanoseconds(initialBackoff))
        let grown = initial * pow(2, Double(exponent))
        let cap = Double(Self.nanoseconds(maxBackoff))
        return .nanoseconds(Int64(min(grown, cap)))
    }

    /// Whether no further attempt may be made.
    ///
    /// - Parameters:
    ///   - attempts: Attempts made so far.
    ///   - firstReceivedAt: When the gateway accepted the message.
    ///   - now: The current time.
    public func isExhausted(attempts: Int, firstReceivedAt: Date, now: Date) -> Bool {
        attempts >= maxAttempts || now.timeIntervalSince(firstReceivedAt) >= Self.seconds(maxAge)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        return product &+ attoseconds / 1_000_000_000
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
