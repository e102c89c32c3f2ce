import Foundation

/// The kind of a message, e.g. `hospital.visit`. Routing rules and sender permissions name these.
public struct MessageType: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The dotted name.
    public let rawValue: String
    /// Wraps a dotted name.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }
}

/// A search key that operators can look a message up by (citizen ID number, MA_LK, judgment number, ...).
public struct BusinessKey: Hashable, Sendable, Codable {
    /// What the value is, e.g. `citizen`, `ma_lk`, `judgment`.
    public var kind: String
    /// The value as the sender wrote it.
    public var value: String
    /// Creates a key.
    public init(kind: String, value: String) {
        self.kind = kind
        self.value = value
    }
}

/// A message in Interchange's own form: what adapters decode wire bytes into, what the store keeps
/// and what destination adapters encode from.
public struct CanonicalMessage: Sendable, Equatable {
    /// Time-sortable identifier, minted on receipt.
    public var id: MessageID
    /// The message type.
    public var type: MessageType
    /// The sending agency's id from config.
    public var sender: String
    /// The deduplication key: the `Idempotency-Key` header, else the natural key of the type.
    public var idempotencyKey: String
    /// Lowercase hex SHA-256 of ``body``: equal content, equal hash.
    public var contentHash: String
    /// Keys an operator can search by.
    public var businessKeys: [BusinessKey]
    /// When the gateway received it.
    public var receivedAt: Date
    /// The sender's `X-Correlation-Id`, or a new one.
    public var correlationId: String
    /// Canonical content: deterministic JSON (sorted keys) of the decoded message.
    public var body: [UInt8]
    /// Routing attributes derived from content, e.g. `province` → `01`. Rules match on these.
    public var attributes: [String: String]

    /// Creates a message; ``contentHash`` is computed from `body`.
    public init(
        id: MessageID = .generate(),
        type: MessageType,
        sender: String,
        idempotencyKey: String,
        businessKeys: [BusinessKey] = [],
        receivedAt: Date = Date(),
        correlationId: String,
        body: [UInt8],
        attributes: [String: String] = [:]
    ) {
        self.id = id
        self.type = type
        self.sender = sender
        self.idempotencyKey = idempotencyKey
        self.contentHash = SHA256.hex(body)
        self.businessKeys = businessKeys
        self.receivedAt = receivedAt
        self.correlationId = correlationId
        self.body = body
        self.attributes = attributes
    }
}
