import HTTPCore

/// One client connection's state. Owned by exactly one ``EventLoop`` and touched only on its thread.
final class Connection {
    /// What a finished response needs to know about its request.
    struct Pending {
        var keepAlive: Bool
        var keepAliveHeader: Bool
        var isHead: Bool
    }

    let fd: Int32
    let id: UInt64
    /// The TLS session, or nil for plain HTTP.
    var ssl: OpaquePointer?
    var handshaking: Bool
    var info: ConnectionInfo
    let acceptedAt: UInt64

    /// Received, not yet consumed bytes are `input[inputStart...]`.
    var input: [UInt8] = []
    var inputStart = 0
    /// Bytes to send are `output[outputSent...]`.
    var output: [UInt8] = []
    var outputSent = 0

    /// The head whose body is being read, if any.
    var bodyHead: HTTPRequestHead?
    var bodyLimit = 0
    var chunked: ChunkedDecoder?
    var body: [UInt8] = []

    /// Sequence numbers keep pipelined responses in request order.
    var nextSeq = 0
    var nextToSend = 0
    var pending: [Int: Pending] = [:]
    var ready: [Int: [UInt8]] = [:]
    /// The response after which the connection closes (a `Connection: close` request or a rejection).
    var closeAfterSeq: Int?
    /// No more requests are parsed (closing after the in-flight ones).
    var stopParsing = false
    /// The last response is out; we sent FIN and discard input until EOF or the linger deadline.
    var lingering = false
    var lingerStart: UInt64 = 0
    /// The peer sent EOF.
    var peerClosed = false
    /// The last TLS operation asked for writability / readability.
    var sslWantsWrite = false

    /// Deadline anchors (monotonic ns); nil when not running.
    var headStartedAt: UInt64?
    var bodyStartedAt: UInt64?
    var lastActivity: UInt64
    /// Set when a send stalls with output pending: when, and the output offset that must be reached (all the bytes
    /// pending then) before the send deadline; cleared or moved on once the client has taken them.
    var stalledOutput: (since: UInt64, until: Int)?

    /// The epoll events currently registered.
    var interest: UInt32 = 0

    init(fd: Int32, id: UInt64, ssl: OpaquePointer?, peer: String, now: UInt64) {
        self.fd = fd
        self.id = id
        self.ssl = ssl
        self.handshaking = ssl != nil
        self.info = ConnectionInfo(peer: peer, isTLS: ssl != nil)
        self.acceptedAt = now
        self.lastActivity = now
    }

    var inflight: Int { nextSeq - nextToSend }
    var hasUnsentOutput: Bool { outputSent < output.count }
    var bufferedInput: Int { input.count - inputStart }
}
