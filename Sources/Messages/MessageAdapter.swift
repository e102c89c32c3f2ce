/// Who is sending, as the adapter needs to know it (a hospital may send only for its own facility code).
public struct SenderContext: Sendable {
    /// The agency id from config.
    public var agency: String
    /// The agency kind from config, e.g. `hospital`.
    public var kind: String
    /// Facility / court / office code the agency is bound to, if any.
    public var code: String?
    /// The agency's province (2 digits), if any.
    public var province: String?
    /// The sender's correlation id for this request.
    public var correlationId: String

    /// Creates a context.
    public init(agency: String, kind: String, code: String? = nil, province: String? = nil, correlationId: String) {
        self.agency = agency
        self.kind = kind
        self.code = code
        self.province = province
        self.correlationId = correlationId
    }
}

/// One item decoded from a request: either a message ready to store or the problems that reject it.
public struct DecodedItem: Sendable {
    /// The item's natural key as far as it could be read (for per-item receipts).
    public var key: String?
    /// The message, when the item is valid.
    public var message: CanonicalMessage?
    /// Everything wrong with the item; empty when valid.
    public var problems: [ValidationProblem]

    /// A valid item.
    public static func valid(_ message: CanonicalMessage) -> DecodedItem {
        DecodedItem(key: message.idempotencyKey, message: message, problems: [])
    }

    /// A rejected item.
    public static func invalid(key: String?, _ problems: [ValidationProblem]) -> DecodedItem {
        DecodedItem(key: key, message: nil, problems: problems)
    }
}

/// What decoding a request body produced.
public struct DecodeResult: Sendable {
    /// The items in order.
    public var items: [DecodedItem]
    /// Whether the body was a collection (array or envelope): collections get per-item receipts.
    public var isBatch: Bool

    /// Creates a result.
    public init(items: [DecodedItem], isBatch: Bool) {
        self.items = items
        self.isBatch = isBatch
    }
}

/// Why a body could not be decoded at all (as opposed to items that were read but are invalid).
public struct DecodeFailure: Error, Sendable {
    /// HTTP status the gateway should answer: 400 malformed, 413 too large, 415 media type, 422 invalid.
    public var status: Int
    /// A one-line explanation.
    public var detail: String
    /// Field-named problems, when there are any.
    public var problems: [ValidationProblem]

    /// Creates a failure.
    public init(status: Int, detail: String, problems: [ValidationProblem] = []) {
        self.status = status
        self.detail = detail
        self.problems = problems
    }
}

/// A message encoded for one destination: what goes on the wire, minus the delivery headers
/// (`Idempotency-Key`, `X-Interchange-Message-Id`, `X-Correlation-Id`), which the deliverer adds.
public struct OutboundPayload: Sendable, Equatable {
    /// Appended to the destination's base URL, e.g. `/api/egw/nhanHoSoKCB`; empty for the base URL itself.
    public var pathSuffix: String
    /// The request body.
    public var body: [UInt8]
    /// The `Content-Type` to send.
    public var contentType: String
    /// Further header fields the destination's protocol needs (e.g. `Authorization`).
    public var headers: [(String, String)]
    /// The method; `POST` unless a destination says otherwise.
    public var method: String

    /// Creates a payload.
    public init(
        pathSuffix: String = "",
        body: [UInt8],
        contentType: String = "application/json",
        headers: [(String, String)] = [],
        method: String = "POST"
    ) {
        self.pathSuffix = pathSuffix
        self.body = body
        self.contentType = contentType
        self.headers = headers
        self.method = method
    }

    /// Creates a POST payload for the destination's base URL.
    public init(contentType: String, body: [UInt8], headers: [(String, String)] = []) {
        self.init(pathSuffix: "", body: body, contentType: contentType, headers: headers, method: "POST")
    }

    public static func == (lhs: OutboundPayload, rhs: OutboundPayload) -> Bool {
        lhs.pathSuffix == rhs.pathSuffix && lhs.method == rhs.method && lhs.contentType == rhs.contentType
            && lhs.body == rhs.body && lhs.headers.map { "\($0.0):\($0.1)" } == rhs.headers.map { "\($0.0):\($0.1)" }
    }
}

/// Turns one sender kind's wire format into canonical messages, with every validation problem.
public protocol InboundAdapter: Sendable {
    /// The message type this adapter produces.
    var messageType: MessageType { get }
    /// Decodes a request body.
    ///
    /// - Parameters:
    ///   - body: The request body.
    ///   - contentType: The request's `Content-Type` (media type only, lowercased).
    ///   - sender: Who is sending.
    /// - Throws: ``DecodeFailure`` when the body as a whole is unusable.
    func decode(_ body: [UInt8], contentType: String, sender: SenderContext) throws(DecodeFailure) -> DecodeResult
}

/// Turns a canonical message into one destination's wire format.
public protocol OutboundEncoder: Sendable {
    /// Encodes the message for the destination.
    func encode(_ message: CanonicalMessage) throws -> OutboundPayload
}
