/// Size, time and connection limits the server enforces.
public struct ServerLimits: Sendable {
    /// The largest request head; beyond it → 431.
    public var maxHeadBytes: Int
    /// The default largest body; beyond it → 413 (see ``ServerConfiguration/bodyLimit``).
    public var maxBodyBytes: Int
    /// Time from a request's first byte (or the TCP accept, for TLS) to the end of its head; then 408.
    public var headTimeout: Duration
    /// Time from the end of the head to the end of the body; then 408.
    public var bodyTimeout: Duration
    /// How long an idle keep-alive connection is kept.
    public var idleTimeout: Duration
    /// Time a client has to take response bytes the server could not send at once (slow read): the bytes pending
    /// when a send first stalls must all be taken within it, or the connection is closed.
    public var sendTimeout: Duration
    /// Open connections allowed across all loops; beyond it new connections get 503 and are closed, unless an
    /// idle connection can make room (``evictIdleAfter``).
    public var maxConnections: Int
    /// At ``maxConnections``, a new connection takes the place of the connection idle longest (no request in
    /// progress, or a TLS handshake not finished) if that one has been idle at least this long; nil: never.
    public var evictIdleAfter: Duration?

    /// Creates limits.
    public init(
        maxHeadBytes: Int = 16_384,
        maxBodyBytes: Int = 1_048_576,
        headTimeout: Duration = .seconds(10),
        bodyTimeout: Duration = .seconds(30),
        idleTimeout: Duration = .seconds(60),
        sendTimeout: Duration = .seconds(30),
        maxConnections: Int = 10_000,
        evictIdleAfter: Duration? = .seconds(1)
    ) {
        self.maxHeadBytes = maxHeadBytes
        self.maxBodyBytes = maxBodyBytes
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.sendTimeout = sendTimeout
        self.maxConnections = maxConnections
        self.evictIdleAfter = evictIdleAfter
    }
}
