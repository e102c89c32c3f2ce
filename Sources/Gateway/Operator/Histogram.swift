/// A cumulative-bucket histogram as Prometheus exports it; a value type kept under the ``Metrics`` lock.
public struct Histogram: Sendable, Hashable {
    /// Upper bounds of the buckets, ascending (the `+Inf` bucket is implied).
    public let bounds: [Double]
    /// Observations per bucket (not cumulative); the last element counts those above every bound.
    public private(set) var counts: [Int]
    /// The sum of all observations.
    public private(set) var sum: Double = 0
    /// How many observations.
    public private(set) var count: Int = 0

    /// Creates an empty histogram with the given ascending bucket bounds.
    public init(bounds: [Double]) {
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count + 1)
    }

    /// Records one observation.
    public mutating func observe(_ value: Double) {
        var index = bounds.count
        for (position, bound) in bounds.enumerated() where value <= bound {
            index = position
            break
        }
        counts[index] += 1
        sum += value
        count += 1
    }

    /// `(le, cumulative count)` pairs, ending with `+Inf`.
    public var cumulative: [(le: String, count: Int)] {
        var running = 0
        var result: [(String, Int)] = []
        for (position, bound) in bounds.enumerated() {
            running += counts[position]
            result.append((MetricsText.number(bound), running))
        }
        result.append(("+Inf", count))
        return result
    }

    /// Buckets for request handling on the ingest path, in seconds.
    public static let ingestBounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    /// Buckets for one delivery attempt, in seconds.
    public static let deliveryBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
}
