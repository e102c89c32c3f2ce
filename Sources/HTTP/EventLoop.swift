import CLinux
import COpenSSL
import Glibc
import HTTPCore
import Synchronization

/// The thread entry point for an event loop; `arg` is a retained ``EventLoop``.
func eventLoopThreadMain(_ arg: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let arg else { return nil }
    let loop = Unmanaged<EventLoop>.fromOpaque(arg).takeRetainedValue()
    loop.run()
    return nil
}

/// One epoll event loop on its own pthread, with its own `SO_REUSEPORT` listener.
///
/// `@unchecked Sendable`: handler tasks only call ``complete(_:)``, which touches the `inbox` mutex and the eventfd
/// (guarded by the same mutex against use after close). Every other member is read or written only on the loop's
/// thread after ``run()`` starts; `init` finishes before the thread is created.
final class EventLoop: @unchecked Sendable {
    private struct Inbox {
        var items: [Completion] = []
        var closed = false
    }

    private let listenFD: Int32
    private let epfd: Int32
    private let wakeFD: Int32
    private let shared: ServerShared
    private let inbox = Mutex(Inbox())
    private let stopping = Atomic<Bool>(false)

    private var connections: [Connection?] = []
    private var active: Set<Int32> = []
    private var retryRead: Set<Int32> = []
    private var nextID: UInt64
    private var scratch = [UInt8](repeating: 0, count: 65_536)
    private var encoder = ResponseEncoder()
    private let sweepInterval: UInt64
    /// A descriptor held back for descriptor exhaustion: closing it frees one slot to accept and close an excess
    /// connection, so the client sees a clean close instead of waiting in the backlog (-1 when it could not be
    /// reopened).
    private var reserveFD: Int32
    /// Set while accepting is paused after `EMFILE`/`ENFILE`: the listener is out of the epoll interest set
    /// until this instant, so level-triggered epoll does not spin on a listener whose accepts all fail.
    private var acceptPausedUntil: UInt64?
    private static let acceptPause: UInt64 = 100_000_000
    /// How long a connection must have been idle before a new one at the connection cap may take its place.
    private let evictIdleAfter: UInt64?
    private let headTimeout: UInt64
    private let bodyTimeout: UInt64
    private let idleTimeout: UInt64
    private let sendTimeout: UInt64
    private static let lingerTimeout: UInt64 = 2_000_000_000
    private static let maxInflight = 32

    init(index: Int, listenFD: Int32, shared: ServerShared) throws {
        self.listenFD = listenFD
        self.shared = shared
        self.nextID = UInt64(index) << 48
        let limits = shared.configuration.limits
        headTimeout = MonotonicClock.nanoseconds(limits.headTimeout)
        bodyTimeout = MonotonicClock.nanoseconds(limits.bodyTimeout)
        idleTimeout = MonotonicClock.nanoseconds(limits.idleTimeout)
        evictIdleAfter = limits.evictIdleAfter.map(MonotonicClock.nanoseconds)
        sendTimeout = MonotonicClock.nanoseconds(limits.sendTimeout)
        let smallest = min(headTimeout, bodyTimeout, idleTimeout, sendTimeout)
        sweepInterval = max(10_000_000, min(1_000_000_000, smallest / 2))
        let epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epfd >= 0 else { throw HTTPServerError("epoll_create1", errno: errno) }
        let wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            close(epfd)
            throw HTTPServerError("eventfd", errno: errno)
        }
        self.epfd = epfd
        self.wakeFD = wakeFD
        reserveFD = Self.openReserve()
        for fd in [listenFD, wakeFD] {
            var event = epoll_event()
            event.events = EPOLLIN.rawValue
            event.data.fd = fd
            guard epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) == 0 else {
                let e = errno
                close(epfd)
                close(wakeFD)
                throw HTTPServerError("epoll_ctl add", errno: e)
            }
        }
    }

    // MARK: - Cross-thread entry points

    /// Hands a finished response back to the loop (any thread).
    func complete(_ completion: Completion) {
        inbox.withLock { box in
            guard !box.closed else { return }
            let wasEmpty = box.items.isEmpty
            box.items.append(completion)
            if wasEmpty { Self.signal(wakeFD) }
        }
    }

    /// Asks the loop to exit (any thread).
    func stop() {
        stopping.store(true, ordering: .releasing)
        inbox.withLock { box in
            if !box.closed { Self.signal(wakeFD) }
        }
    }

    private static func signal(_ fd: Int32) {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(fd, $0.baseAddress, 8) }
    }

    // MARK: - Loop

    func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        var lastSweep = MonotonicClock.now()
        while !stopping.load(ordering: .acquiring) {
            var timeout = retryRead.isEmpty ? Int32(sweepInterval / 1_000_000) : 0
            if let until = acceptPausedUntil {
                let current = MonotonicClock.now()
                timeout = until > current ? min(timeout, Int32(clamping: (until - current) / 1_000_000 + 1)) : 0
            }
            let n = events.withUnsafeMutableBufferPointer { epoll_wait(epfd, $0.baseAddress, Int32($0.count), timeout) }
            if n < 0 && errno != EINTR { break }
            let now = MonotonicClock.now()
            if n > 0 {
                for i in 0..<Int(n) {
                    let fd = events[i].data.fd
                    let flags = events[i].events
                    if fd == listenFD {
                        acceptAll(now: now)
                    } else if fd == wakeFD {
                        drainInbox(now: now)
                    } else {
                        handle(fd: fd, events: flags, now: now)
                    }
                }
            }
            if !retryRead.isEmpty {
                let fds = retryRead
                retryRead.removeAll()
                for fd in fds { handle(fd: fd, events: EPOLLIN.rawValue, now: now) }
            }
            if let until = acceptPausedUntil, now >= until { resumeAccepting() }
            if now &- lastSweep >= sweepInterval {
                lastSweep = now
                sweep(now: now)
            }
        }
        shutdownAll()
    }

    private func shutdownAll() {
        inbox.withLock { box in
            box.closed = true
            box.items.removeAll()
        }
        for fd in active {
            if let c = connections[Int(fd)] { destroy(c) }
        }
        close(listenFD)
        close(wakeFD)
        if reserveFD >= 0 { close(reserveFD) }
        close(epfd)
    }

    // MARK: - Accept

    private func acceptAll(now: UInt64) {
        for _ in 0..<128 {
            let fd = clinux_accept4(listenFD, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
            if fd < 0 {
                let error = errno
                // EAGAIN: drained. Out of descriptors (or kernel memory): refuse what waits and pause.
                if error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM {
                    pauseAccepting(now: now)
                }
                return
            }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            guard shared.counter.tryAcquire() || (evictIdleConnection(now: now) && shared.counter.tryAcquire()) else {
                rejectOverCapacity(fd)
                continue
            }
            var ssl: OpaquePointer?
            if let tls = shared.tls {
                guard let s = SSL_new(tls.ctx) else {
                    _ = TLSContext.errors()
                    close(fd)
                    shared.counter.release()
                    continue
                }
                SSL_set_fd(s, fd)
                SSL_set_accept_state(s)
                ssl = s
            }
            nextID &+= 1
            let c = Connection(fd: fd, id: nextID, ssl: ssl, peer: Self.peerName(fd), now: now)
            if c.handshaking { c.headStartedAt = now }
            if Int(fd) >= connections.count {
                connections.append(contentsOf: [Connection?](repeating: nil, count: Int(fd) + 1 - connections.count + 64))
            }
            connections[Int(fd)] = c
            active.insert(fd)
            var event = epoll_event()
            event.events = EPOLLIN.rawValue
            event.data.fd = fd
            c.interest = EPOLLIN.rawValue
            if epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) != 0 { destroy(c) }
        }
    }

    /// At the connection cap, closes this loop's connection that has been idle longest (no request in progress,
    /// nothing buffered or unsent, idle for at least `evictIdleAfter`; or a TLS handshake that has not
    /// finished in that time) so the new connection can be served. Without this, clients that open connections and
    /// send nothing hold the cap for the whole idle timeout and every other client gets 503. Closing an idle
    /// keep-alive connection is ordinary HTTP behaviour (RFC 9112 §9.6): clients retry on a new connection.
    ///
    /// - Returns: Whether a connection was closed (its slot released).
    private func evictIdleConnection(now: UInt64) -> Bool {
        guard let evictIdleAfter else { return false }
        var victim: Connection?
        for fd in active {
            guard let c = connections[Int(fd)], !c.lingering else { continue }
            let since: UInt64
            if c.handshaking {
                since = c.acceptedAt
            } else if c.inflight == 0, c.bodyHead == nil, c.headStartedAt == nil, c.bufferedInput == 0, !c.hasUnsentOutput {
                since = c.lastActivity
            } else {
                continue
            }
            guard now &- since >= evictIdleAfter else { continue }
            if let current = victim, (current.handshaking ? current.acceptedAt : current.lastActivity) <= since { continue }
            victim = c
        }
        guard let victim else { return false }
        destroy(victim)
        return true
    }

    /// Out of descriptors: the pending connection stays in the backlog and level-triggered epoll reports the
    /// listener again at once, so without a pause the loop spins on failing accepts at 100 % CPU. Frees the reserve
    /// descriptor to accept and close the waiting connections (their clients see a clean close rather than a
    /// hang), then takes the listener out of the interest set for ``acceptPause``.
    private func pauseAccepting(now: UInt64) {
        if reserveFD >= 0 {
            close(reserveFD)
            for _ in 0..<1024 {
                let fd = clinux_accept4(listenFD, Int32(SOCK_CLOEXEC.rawValue))
                guard fd >= 0 else { break }
                close(fd)
            }
            reserveFD = Self.openReserve()
        }
        var event = epoll_event()
        event.events = 0
        event.data.fd = listenFD
        _ = epoll_ctl(epfd, EPOLL_CTL_MOD, listenFD, &event)
        acceptPausedUntil = now &+ Self.acceptPause
    }

    private func resumeAccepting() {
        acceptPausedUntil = nil
        if reserveFD < 0 { reserveFD = Self.openReserve() }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = listenFD
        _ = epoll_ctl(epfd, EPOLL_CTL_MOD, listenFD, &event)
    }

    private static func openReserve() -> Int32 { open("/dev/null", O_RDONLY | O_CLOEXEC) }

    /// Over the connection cap: a best-effort 503 (plain HTTP only) and close, so the loop keeps serving others.
    private func rejectOverCapacity(_ fd: Int32) {
        if shared.tls == nil {
            var bytes: [UInt8] = []
            let problem = Problem(status: 503, detail: "connection limit reached", headers: [("Retry-After", "1")])
            encoder.encode(.problem(problem), close: true, keepAliveHeader: false, omitBody: false, into: &bytes)
            _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        close(fd)
    }

    private static func peerName(_ fd: Int32) -> String {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) == 0 }
        }
        guard ok else { return "" }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = Int32(storage.ss_family)
        switch family {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    var addr = sin.pointee.sin_addr
                    inet_ntop(AF_INET, &addr, &text, socklen_t(text.count))
                    return Self.cString(text) + ":\(UInt16(bigEndian: sin.pointee.sin_port))"
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin in
                    var addr = sin.pointee.sin6_addr
                    inet_ntop(AF_INET6, &addr, &text, socklen_t(text.count))
                    return "[" + Self.cString(text) + "]:\(UInt16(bigEndian: sin.pointee.sin6_port))"
                }
            }
        default:
            return ""
        }
    }

    private static func cString(_ chars: [CChar]) -> String {
        String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: - Events

    private func handle(fd: Int32, events: UInt32, now: UInt64) {
        guard Int(fd) < connections.count, let c = connections[Int(fd)] else { return }
        // ERR, or HUP (both directions gone, e.g. a reset): nothing more can be delivered, and level-triggered
        // epoll would keep reporting it even with reads paused.
        if events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 {
            destroy(c)
            return
        }
        if c.handshaking {
            guard handshake(c, now: now) else { return }
            if c.handshaking {
                updateInterest(c)
                return
            }
        }
        if events & EPOLLIN.rawValue != 0 || c.sslWantsWrite {
            guard readAvailable(c, now: now) else { return }
        }
        if c.lingering {
            if c.peerClosed { destroy(c) } else { updateInterest(c) }
            return
        }
        processInput(c, now: now)
        flush(c, now: now)
    }

    /// Drives the TLS handshake; false when the connection was destroyed.
    private func handshake(_ c: Connection, now: UInt64) -> Bool {
        guard let ssl = c.ssl else { return true }
        let r = SSL_do_handshake(ssl)
        if r == 1 {
            c.handshaking = false
            c.headStartedAt = nil
            c.sslWantsWrite = false
            c.lastActivity = now
            fillTLSInfo(c, ssl)
            return true
        }
        switch SSL_get_error(ssl, r) {
        case SSL_ERROR_WANT_READ:
            c.sslWantsWrite = false
            return true
        case SSL_ERROR_WANT_WRITE:
            c.sslWantsWrite = true
            return true
        default:
            // Failed verification, wrong version, garbage: the alert (if any) is already queued/sent.
            _ = TLSContext.errors()
            destroy(c)
            return false
        }
    }

    private func fillTLSInfo(_ c: Connection, _ ssl: OpaquePointer) {
        if let version = SSL_get_version(ssl) { c.info.tlsVersion = String(cString: version) }
        guard let cert = SSL_get1_peer_certificate(ssl) else { return }
        defer { X509_free(cert) }
        guard SSL_get_verify_result(ssl) == Int(X509_V_OK) else { return }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        if X509_digest(cert, EVP_sha256(), &digest, &length) == 1 {
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            var out: [UInt8] = []
            for b in digest.prefix(Int(length)) {
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 15)])
            }
            c.info.clientCertificateSHA256 = String(decoding: out, as: UTF8.self)
        }
        if let name = X509_get_subject_name(cert), let line = X509_NAME_oneline(name, nil, 0) {
            c.info.clientSubject = String(cString: line)
            CRYPTO_free(line, "", 0)
        }
    }

    /// Reads what is available; false when the connection was destroyed.
    private func readAvailable(_ c: Connection, now: UInt64) -> Bool {
        if c.peerClosed { return true }
        let discard = c.lingering || c.stopParsing
        if let ssl = c.ssl, !c.lingering {
            c.sslWantsWrite = false
            var total = 0
            while true {
                let n = scratch.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
                if n > 0 {
                    if !discard { c.input.append(contentsOf: scratch[0..<Int(n)]) }
                    total += Int(n)
                    // Bound one turn; OpenSSL may still hold decrypted bytes epoll cannot see, so come back.
                    if total >= 262_144 {
                        retryRead.insert(c.fd)
                        break
                    }
                    continue
                }
                let error = SSL_get_error(ssl, n)
                if error == SSL_ERROR_WANT_READ { break }
                if error == SSL_ERROR_WANT_WRITE {
                    c.sslWantsWrite = true
                    break
                }
                if error == SSL_ERROR_ZERO_RETURN {
                    c.peerClosed = true
                    break
                }
                _ = TLSContext.errors()
                destroy(c)
                return false
            }
            if total > 0 { c.lastActivity = now }
            return true
        }
        let n = scratch.withUnsafeMutableBytes { recv(c.fd, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            if !discard { c.input.append(contentsOf: scratch[0..<n]) }
            c.lastActivity = now
        } else if n == 0 {
            c.peerClosed = true
        } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
            destroy(c)
            return false
        }
        return true
    }

    // MARK: - Parsing and dispatch

    private func processInput(_ c: Connection, now: UInt64) {
        let limits = shared.configuration.limits
        parsing: while !c.stopParsing && c.inflight < Self.maxInflight {
            if let head = c.bodyHead {
                if let decoder = c.chunked {
                    var d = decoder
                    let step = c.input.withUnsafeBufferPointer {
                        d.decode($0, from: c.inputStart, to: $0.count, into: &c.body)
                    }
                    c.chunked = d
                    switch step {
                    case .incomplete(let consumed):
                        c.inputStart += consumed
                        break parsing
                    case .failure(let failure):
                        reject(c, failure.problem)
                        break parsing
                    case .complete(let consumed):
                        c.inputStart += consumed
                        let body = c.body
                        finishBody(c)
                        dispatch(c, head, body: body)
                    }
                } else if case .contentLength(let length) = head.framing {
                    guard c.bufferedInput >= length else { break parsing }
                    let body = Array(c.input[c.inputStart..<(c.inputStart + length)])
                    c.inputStart += length
                    finishBody(c)
                    dispatch(c, head, body: body)
                } else {
                    finishBody(c)
                }
                continue
            }
            if c.bufferedInput == 0 {
                c.headStartedAt = nil
                break
            }
            let result = c.input.withUnsafeBufferPointer {
                HTTPRequestParser.parseHead($0, from: c.inputStart, to: $0.count, maxHeadBytes: limits.maxHeadBytes)
            }
            switch result {
            case .incomplete:
                if c.headStartedAt == nil { c.headStartedAt = now }
                break parsing
            case .failure(let failure):
                reject(c, failure.problem)
                break parsing
            case .head(let head, let consumed):
                c.inputStart += consumed
                c.headStartedAt = nil
                switch head.framing {
                case .none:
                    dispatch(c, head, body: [])
                case .contentLength(let length):
                    let limit = bodyLimit(head)
                    guard length <= limit else {
                        reject(c, Problem(status: 413, detail: "body exceeds \(limit) bytes"))
                        break parsing
                    }
                    startBody(c, head, limit: limit, now: now)
                case .chunked:
                    let limit = bodyLimit(head)
                    c.chunked = ChunkedDecoder(maxBodyBytes: limit, maxTrailerBytes: limits.maxHeadBytes)
                    startBody(c, head, limit: limit, now: now)
                }
            }
        }
        // Compact the input buffer.
        if c.inputStart == c.input.count {
            c.input.removeAll(keepingCapacity: c.input.capacity <= 262_144)
            c.inputStart = 0
        } else if c.inputStart > 65_536 {
            c.input.removeFirst(c.inputStart)
            c.inputStart = 0
        }
    }

    private func bodyLimit(_ head: HTTPRequestHead) -> Int {
        shared.configuration.bodyLimit?(head.method, head.path) ?? shared.configuration.limits.maxBodyBytes
    }

    private func startBody(_ c: Connection, _ head: HTTPRequestHead, limit: Int, now: UInt64) {
        c.bodyHead = head
        c.bodyLimit = limit
        c.body = []
        c.bodyStartedAt = now
        // 100-continue only when nothing else is queued ahead of it on this connection, so order holds.
        if head.expectContinue, c.inflight == 0, !c.hasUnsentOutput {
            let wanted: Int
            if case .contentLength(let length) = head.framing { wanted = length } else { wanted = 1 }
            if c.bufferedInput < wanted { c.output.append(contentsOf: "HTTP/1.1 100 Continue\r\n\r\n".utf8) }
        }
    }

    private func finishBody(_ c: Connection) {
        c.bodyHead = nil
        c.chunked = nil
        c.body = []
        c.bodyStartedAt = nil
    }

    private func dispatch(_ c: Connection, _ head: HTTPRequestHead, body: [UInt8]) {
        let seq = c.nextSeq
        c.nextSeq += 1
        c.pending[seq] = Connection.Pending(
            keepAlive: head.keepAlive,
            keepAliveHeader: head.keepAlive && head.version == "1.0",
            isHead: head.method == "HEAD"
        )
        if !head.keepAlive {
            c.stopParsing = true
            c.closeAfterSeq = seq
        }
        let request = HTTPRequest(
            method: head.method,
            target: head.target,
            version: head.version,
            headers: head.headers,
            body: body,
            connection: c.info
        )
        let handler = shared.handler
        let completion = (id: c.id, fd: c.fd)
        Task.detached { [self] in
            let response = await handler(request)
            self.complete(Completion(connectionID: completion.id, fd: completion.fd, seq: seq, response: response))
        }
    }

    /// Queues a problem response after the in-flight ones and closes after it.
    private func reject(_ c: Connection, _ problem: Problem) {
        let seq = c.nextSeq
        c.nextSeq += 1
        c.stopParsing = true
        c.closeAfterSeq = seq
        c.headStartedAt = nil
        c.bodyStartedAt = nil
        var bytes: [UInt8] = []
        encoder.encode(.problem(problem), close: true, keepAliveHeader: false, omitBody: false, into: &bytes)
        c.ready[seq] = bytes
    }

    private func drainInbox(now: UInt64) {
        var value: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &value) { read(wakeFD, $0.baseAddress, 8) }
        let items = inbox.withLock { box in
            let items = box.items
            box.items.removeAll(keepingCapacity: true)
            return items
        }
        var touched: [Connection] = []
        for item in items {
            guard Int(item.fd) < connections.count, let c = connections[Int(item.fd)], c.id == item.connectionID,
                let meta = c.pending.removeValue(forKey: item.seq)
            else { continue }
            var bytes: [UInt8] = []
            let close = !meta.keepAlive || item.seq == c.closeAfterSeq
            encoder.encode(
                item.response,
                close: close,
                keepAliveHeader: meta.keepAliveHeader,
                omitBody: meta.isHead,
                into: &bytes
            )
            c.ready[item.seq] = bytes
            touched.append(c)
        }
        for c in touched where connections[Int(c.fd)] === c {
            let wasFull = c.inflight >= Self.maxInflight
            flush(c, now: now)
            guard connections[Int(c.fd)] === c else { continue }
            // Parsing may have paused on a full pipeline or buffered requests; resume now.
            if wasFull || c.bufferedInput > 0 {
                if c.ssl != nil { retryRead.insert(c.fd) }
                processInput(c, now: now)
                flush(c, now: now)
            }
        }
    }

    // MARK: - Output

    /// Moves ready responses to the output in order, writes, and starts closing when due.
    private func flush(_ c: Connection, now: UInt64) {
        var closeAfterWrite = false
        while let bytes = c.ready.removeValue(forKey: c.nextToSend) {
            if c.output.isEmpty { c.output = bytes } else { c.output.append(contentsOf: bytes) }
            if c.nextToSend == c.closeAfterSeq { closeAfterWrite = true }
            c.nextToSend += 1
            if closeAfterWrite { break }
        }
        if closeAfterWrite {
            c.ready.removeAll()
            c.pending.removeAll()
        }
        guard writeOutput(c, now: now) else { return }
        if !c.hasUnsentOutput {
            if c.closeAfterSeq.map({ c.nextToSend > $0 }) ?? false {
                beginLinger(c, now: now)
                return
            }
            if c.peerClosed && c.inflight == 0 && c.bodyHead == nil {
                destroy(c)
                return
            }
        }
        updateInterest(c)
    }

    /// Writes as much output as the socket takes; false when the connection was destroyed.
    private func writeOutput(_ c: Connection, now: UInt64) -> Bool {
        while c.outputSent < c.output.count {
            let remaining = c.output.count - c.outputSent
            if let ssl = c.ssl {
                let sent = c.outputSent
                let n = c.output.withUnsafeBytes { raw in
                    SSL_write(ssl, raw.baseAddress.map { $0 + sent }, Int32(min(remaining, Int(Int32.max))))
                }
                if n > 0 {
                    c.outputSent += Int(n)
                    c.lastActivity = now
                    continue
                }
                let error = SSL_get_error(ssl, n)
                if error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ {
                    c.sslWantsWrite = error == SSL_ERROR_WANT_WRITE
                    break
                }
                _ = TLSContext.errors()
                destroy(c)
                return false
            }
            let sent = c.outputSent
            let n = c.output.withUnsafeBytes { raw in
                send(c.fd, raw.baseAddress.map { $0 + sent }, remaining, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                c.outputSent += n
                c.lastActivity = now
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                break
            } else {
                destroy(c)
                return false
            }
        }
        if c.outputSent == c.output.count {
            c.output.removeAll(keepingCapacity: c.output.capacity <= 262_144)
            c.outputSent = 0
            c.stalledOutput = nil
        } else if c.stalledOutput.map({ c.outputSent >= $0.until }) ?? true {
            // A new stall, or the bytes of the last one were taken: the deadline restarts for what is pending now.
            c.stalledOutput = (since: now, until: c.output.count)
        }
        return true
    }

    /// All responses are out: send FIN (and close_notify), then drain input until EOF so the peer sees the
    /// response instead of a reset.
    private func beginLinger(_ c: Connection, now: UInt64) {
        if c.peerClosed {
            destroy(c)
            return
        }
        if let ssl = c.ssl { _ = SSL_shutdown(ssl) }
        Glibc.shutdown(c.fd, Int32(SHUT_WR))
        c.lingering = true
        c.lingerStart = now
        c.headStartedAt = nil
        c.bodyStartedAt = nil
        updateInterest(c)
    }

    private func updateInterest(_ c: Connection) {
        var wanted: UInt32 = 0
        let readPaused = c.peerClosed || (!c.lingering && (c.stopParsing || c.inflight >= Self.maxInflight))
        if !readPaused || c.handshaking { wanted |= EPOLLIN.rawValue }
        if c.hasUnsentOutput || c.sslWantsWrite { wanted |= EPOLLOUT.rawValue }
        guard wanted != c.interest else { return }
        var event = epoll_event()
        event.events = wanted
        event.data.fd = c.fd
        c.interest = wanted
        _ = epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, &event)
    }

    private func destroy(_ c: Connection) {
        guard Int(c.fd) < connections.count, connections[Int(c.fd)] === c else { return }
        connections[Int(c.fd)] = nil
        active.remove(c.fd)
        retryRead.remove(c.fd)
        _ = epoll_ctl(epfd, EPOLL_CTL_DEL, c.fd, nil)
        if let ssl = c.ssl {
            SSL_free(ssl)
            c.ssl = nil
        }
        close(c.fd)
        shared.counter.release()
    }

    // MARK: - Deadlines

    private func sweep(now: UInt64) {
        for fd in active {
            guard let c = connections[Int(fd)] else { continue }
            if c.lingering {
                if now &- c.lingerStart >= Self.lingerTimeout { destroy(c) }
            } else if let stall = c.stalledOutput, now &- stall.since >= sendTimeout {
                // Slow read: a client taking responses a few bytes at a time holds a connection slot indefinitely.
                destroy(c)
            } else if c.handshaking {
                if now &- c.acceptedAt >= headTimeout { destroy(c) }
            } else if let started = c.headStartedAt, now &- started >= headTimeout {
                reject(c, Problem(status: 408, detail: "request head not received within the time limit"))
                flush(c, now: now)
            } else if let started = c.bodyStartedAt, now &- started >= bodyTimeout {
                reject(c, Problem(status: 408, detail: "request body not received within the time limit"))
                flush(c, now: now)
            } else if c.inflight == 0, c.bodyHead == nil, now &- c.lastActivity >= idleTimeout {
                destroy(c)
            } else if c.hasUnsentOutput, now &- c.lastActivity >= idleTimeout {
                destroy(c)
            }
        }
    }
}
