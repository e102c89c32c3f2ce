import Foundation
import HTTPCore

/// What a simulator saw for one idempotency key.
public struct RecordedRequest: Sendable {
    /// The `Idempotency-Key` (or `""` when the request had none).
    public var key: String
    /// How many requests carried the key.
    public var count: Int
    /// The path of the first request.
    public var path: String
    /// The body of the first request.
    public var firstBody: [UInt8]
    /// The headers of the first request.
    public var firstHeaders: HTTPHeaders
    /// When each request arrived, in order.
    public var arrivals: [Date]

    /// When the first request arrived.
    public var firstAt: Date { arrivals.first ?? .distantPast }
    /// When the latest request arrived.
    public var lastAt: Date { arrivals.last ?? .distantPast }
}
