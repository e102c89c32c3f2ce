import Messages

/// One delivery target with its transport, limits, policies and encoding hooks.
public struct Destination: Sendable {
    /// Stable id, as in config and the outbox.
    public var id: String
    /// Base URL; ``OutboundPayload/pathSuffix`` is appended.
    public var url: String
    /// TLS settings, `nil` for libcurl defaults.
    public var tls: DestinationTLS?
    /// Per-request deadline.
    public var timeout: Duration
    /// Requests in flight at most.
    public var concurrency: Int
    /// Retry classification, backoff and give-up rules.
    public var retry: RetryPolicy
    /// Consecutive failures that open the breaker.
    public var breakerFailureThreshold: Int
    /// How long the breaker stays open before a probe.
    public var breakerOpenDuration: Duration
    /// Lease asked of the outbox per claim; longer than ``timeout`` so a live send is never re-claimed.
    public var lease: Duration
    /// Builds the payload for one item; may be async (fetch a token first). Throw ``PreparationError``.
    public var encode: @Sendable (ClaimedItem) async throws -> OutboundPayload
    /// Overrides classification of a response (e.g. a 200 whose body says "rejected"); `nil` from the
    /// hook, or no hook, means the ``RetryPolicy`` decides.
    public var interpret: (@Sendable (OutboundResponse) -> AttemptClass?)?

    /// Creates a destination; by default the item's stored payload is sent as is.
    public init(
        id: String,
        url: String,
        tls: DestinationTLS? = nil,
        timeout: Duration = .seconds(30),
        concurrency: Int = 16,
        retry: RetryPolicy = RetryPolicy(),
        breakerFailureThreshold: Int = 5,
        breakerOpenDuration: Duration = .seconds(30),
        lease: Duration? = nil,
        encode: @escaping @Sendable (ClaimedItem) async throws -> OutboundPayload = { $0.payload },
        interpret: (@Sendable (OutboundResponse) -> AttemptClass?)? = nil
    ) {
        self.id = id
        self.url = url
        self.tls = tls
        self.timeout = timeout
        self.concurrency = max(1, concurrency)
        self.retry = retry
        self.breakerFailureThreshold = breakerFailureThreshold
        self.breakerOpenDuration = breakerOpenDuration
        self.lease = lease ?? timeout * 2 + .seconds(5)
        self.encode = encode
        self.interpret = interpret
    }
}
