import CLinux
import Glibc
import HTTPCore
import Synchronization

/// A strict HTTP/1.1 server: N epoll event loops (one pthread each, `SO_REUSEPORT` listeners), optional OpenSSL
/// TLS with client certificates, handlers run as Swift tasks off the loops.
///
/// ```swift
/// let server = try HTTPServer(configuration: ServerConfiguration(port: 0)) { request in
///     .json(200, Array(#"{"status":"ok"}"#.utf8))
/// }
/// try server.start()
/// print(server.port)
/// ```
public final class HTTPServer: Sendable {
    private struct State {
        var loops: [EventLoop] = []
        var threads: [pthread_t] = []
        var port = 0
        var started = false
    }

    private let shared: ServerShared
    private let state = Mutex(State())

    /// Creates a server; nothing is bound until ``start()``.
    ///
    /// - Parameters:
    ///   - configuration: Address, loops, TLS and limits.
    ///   - handler: Called once per request, off the event loops; responses go out in request order.
    /// - Throws: ``TLSSetupError`` when the TLS files are missing, unreadable, invalid, expired or mismatched.
    public init(
        configuration: ServerConfiguration,
        handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse
    ) throws {
        let tls = try configuration.tls.map { try TLSContext($0) }
        shared = ServerShared(configuration: configuration, handler: handler, tls: tls)
    }

    /// The bound port (after ``start()``), or the configured one before.
    public var port: Int {
        state.withLock { $0.started ? $0.port : shared.configuration.port }
    }

    /// Binds one listener per loop and starts the loops.
    ///
    /// - Throws: ``HTTPServerError`` when a socket cannot be bound or a thread cannot be started.
    public func start() throws {
        signal(SIGPIPE, SIG_IGN)
        try state.withLock { state in
            guard !state.started else { return }
            let configuration = shared.configuration
            let count = max(1, configuration.loops)
            var listeners: [Int32] = []
            var port = configuration.port
            do {
                try Listener.ensureFree(host: configuration.host, port: port)
                for _ in 0..<count {
                    let fd = try Listener.bind(host: configuration.host, port: port)
                    listeners.append(fd)
                    if port == 0 { port = Listener.boundPort(fd) }
                }
            } catch {
                listeners.forEach { close($0) }
                throw error
            }
            var loops: [EventLoop] = []
            do {
                for (index, fd) in listeners.enumerated() {
                    loops.append(try EventLoop(index: index, listenFD: fd, shared: shared))
                }
            } catch {
                listeners.dropFirst(loops.count).forEach { close($0) }
                loops.forEach { $0.stop() }
                throw error
            }
            var threads: [pthread_t] = []
            for loop in loops {
                var thread = pthread_t()
                let arg = Unmanaged.passRetained(loop).toOpaque()
                let rc = pthread_create(&thread, nil, eventLoopThreadMain, arg)
                guard rc == 0 else {
                    Unmanaged<EventLoop>.fromOpaque(arg).release()
                    for l in loops { l.stop() }
                    for t in threads { pthread_join(t, nil) }
                    throw HTTPServerError("pthread_create", errno: rc)
                }
                threads.append(thread)
            }
            state.loops = loops
            state.threads = threads
            state.port = port
            state.started = true
        }
    }

    /// Stops the loops, closes every socket and waits for the loop threads to exit. Idempotent.
    /// Must not be called from a handler that the server is waiting on (it only waits for loops, not handlers).
    public func shutdown() {
        let (loops, threads) = state.withLock { state in
            let taken = (state.loops, state.threads)
            state.loops = []
            state.threads = []
            return taken
        }
        for loop in loops { loop.stop() }
        for thread in threads { pthread_join(thread, nil) }
    }

    deinit {
        shutdown()
    }
}
