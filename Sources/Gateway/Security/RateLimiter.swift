import Foundation
import Synchronization

/// Token buckets per sender: `perSecond` tokens are added each second up to `burst`; a request
/// takes one token per message it carries, at least one.
public final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    /// A sender's rate.
    public struct Rate: Sendable {
        /// Tokens added per second.
        public var perSecond: Double
        /// Bucket size.
        public var burst: Double
        /// Creates a rate.
        public init(perSecond: Double, burst: Double) {
            self.perSecond = perSecond
            self.burst = max(1, burst)
        }
    }

    private let buckets = Mutex<[String: Bucket]>([:])

    /// Creates an empty limiter.
    public init() {}

    /// Takes `cost` tokens from `sender`'s bucket.
    ///
    /// - Returns: `nil` when allowed, else the seconds until enough tokens will be there (for `Retry-After`).
    public func take(_ sender: String, cost: Double = 1, rate: Rate, now: Double = Date().timeIntervalSince1970) -> Double? {
        buckets.withLock { buckets in
            var bucket = buckets[sender] ?? Bucket(tokens: rate.burst, updated: now)
            bucket.tokens = min(rate.burst, bucket.tokens + max(0, now - bucket.updated) * rate.perSecond)
            bucket.updated = now
            let cost = min(cost, rate.burst)
            if bucket.tokens >= cost {
                bucket.tokens -= cost
                buckets[sender] = bucket
                return nil
            }
            buckets[sender] = bucket
            return (cost - bucket.tokens) / max(rate.perSecond, 0.001)
        }
    }
}
