import Foundation
import HTTP
import HTTPCore
import Synchronization

/// A simulated destination agency: a real HTTP(S) server on loopback that records every request by
/// `Idempotency-Key` and can be told to fail, hang, answer slowly or send `Retry-After`.
///
/// Control it in-process (``fail(status:count:retryAfter:)``, ``mode``) or over HTTP:
///
/// - `POST /_control/fail?status=500&count=n[&retryAfter=s]` (`count=-1`: until cleared)
/// - `POST /_control/mode?m=ok|hang|slow|reset[&delay=ms]`
/// - `POST /_control/reset`: mode ok, no failures, recorder cleared
/// - `GET /_control/received`: JSON `{key: count}`
///
/// Agency simulators build on it with ``route(_:_:)``: a handler per path that runs after recording and
/// fault injection, in place of the default `200`.
public final class DestinationSimulator: Sendable {
    /// A handler for one path.
    public typealias Handler = @Sendable (HTTPRequest, RecordedRequest) async -> HTTPResponse
    /// A handler for an agency's own `/_control/...` endpoint; `nil` falls through to the built-in ones.
    public typealias ControlHandler = @Sendable (HTTPRequest) -> HTTPResponse?

    private struct Control {
        var mode: SimulatorMode = .ok
        var failStatus = 500
        var failRemaining = 0
        var retryAfter: String?
        var conflictOnDuplicate: Bool
        var routes: [String: Handler] = [:]
        var prefixRoutes: [(prefix: String, handler: Handler)] = []
        var controlRoutes: [String: ControlHandler] = [:]
        var generation = 0

        /// The exact route for `path`, else the longest prefix route that matches it.
        func handler(for path: String) -> Handler? {
            if let exact = routes[path] { return exact }
            return prefixRoutes.filter { path.hasPrefix($0.prefix) }.max { $0.prefix.count < $1.prefix.count }?.handler
        }
    }

    /// Every request the simulator answered or dropped (control requests excluded).
    public let recorder = RequestRecorder()
    private let control: Mutex<Control>
    private let server: Mutex<HTTPServer?> = Mutex(nil)
    private let configuration: ServerConfiguration
    private let stopped = Atomic<Bool>(false)

    /// Creates a simulator; nothing listens until ``start()``.
    ///
    /// - Parameters:
    ///   - tls: Server TLS (and client-certificate policy); `nil` for plain HTTP.
    ///   - port: The port; 0 picks a free one.
    ///   - loops: Event loops of the underlying server.
    ///   - conflictOnDuplicate: Answer `409` to a key already seen (otherwise the same `200` every time).
    ///   - maxBodyBytes: The largest request body accepted (larger → `413`).
    public init(
        tls: TLSConfiguration? = nil,
        port: Int = 0,
        loops: Int = 1,
        conflictOnDuplicate: Bool = false,
        maxBodyBytes: Int = 8 * 1_048_576
    ) {
        configuration = ServerConfiguration(
            host: "127.0.0.1", port: port, loops: loops, tls: tls, limits: ServerLimits(maxBodyBytes: maxBodyBytes))
        control = Mutex(Control(conflictOnDuplicate: conflictOnDuplicate))
    }

    /// Starts listening.
    ///
    /// - Throws: The server's error if it cannot bind or load its TLS files.
    public func start() throws {
        let server = try HTTPServer(configuration: configuration) { [self] request in await self.handle(request) }
        try server.start()
        self.server.withLock { $0 = server }
    }

    /// The bound port (after ``start()``).
    public var port: Int { server.withLock { $0?.port ?? 0 } }

    /// `http://127.0.0.1:<port>` or `https://localhost:<port>`.
    public var baseURL: String {
        configuration.tls == nil ? "http://127.0.0.1:\(port)" : "https://localhost:\(port)"
    }

    /// Stops the server and releases hanging requests.
    public func shutdown() {
        stopped.store(true, ordering: .relaxed)
        let server = self.server.withLock { server in
            defer { server = nil }
            return server
        }
        server?.shutdown()
    }

    // MARK: - Control

    /// The answering mode.
    public var mode: SimulatorMode {
        get { control.withLock { $0.mode } }
        set { control.withLock { $0.mode = newValue; $0.generation += 1 } }
    }

    /// Whether a key already seen is answered `409`.
    public var conflictOnDuplicate: Bool {
        get { control.withLock { $0.conflictOnDuplicate } }
        set { control.withLock { $0.conflictOnDuplicate = newValue } }
    }

    /// Makes the next `count` requests (all of them while `count` is negative) fail with `status`,
    /// optionally with a `Retry-After` value.
    public func fail(status: Int, count: Int = 1, retryAfter: String? = nil) {
        control.withLock { control in
            control.failStatus = status
            control.failRemaining = count
            control.retryAfter = retryAfter
        }
    }

    /// Back to normal answers: mode ok, no failures. Recorded requests are kept.
    public func heal() {
        control.withLock { control in
            control.mode = .ok
            control.failRemaining = 0
            control.retryAfter = nil
            control.generation += 1
        }
    }

    /// Installs a handler for requests to `path` (exact match on the path, query excluded).
    public func route(_ path: String, _ handler: @escaping Handler) {
        control.withLock { $0.routes[path] = handler }
    }

    /// Installs a handler for every path starting with `prefix` (when no exact route matches; the longest
    /// matching prefix wins), e.g. `/v1/citizens/` for `/v1/citizens/{id}`.
    public func route(prefix: String, _ handler: @escaping Handler) {
        control.withLock { control in
            control.prefixRoutes.removeAll { $0.prefix == prefix }
            control.prefixRoutes.append((prefix, handler))
        }
    }

    /// Installs an agency-specific control endpoint (`path` starts with `/_control/`). It runs before the
    /// built-in control endpoints and may return `nil` to let them answer.
    public func controlRoute(_ path: String, _ handler: @escaping ControlHandler) {
        control.withLock { $0.controlRoutes[path] = handler }
    }

    // MARK: - Handling

    private func handle(_ request: HTTPRequest) async -> HTTPResponse {
        if request.path.hasPrefix("/_control/") { return controlRequest(request) }
        let count = recorder.record(request)
        let (mode, failure, route, conflict, generation) = control.withLock { control -> (SimulatorMode, (Int, String?)?, Handler?, Bool, Int) in
            var failure: (Int, String?)?
            if control.failRemaining != 0 {
                if control.failRemaining > 0 { control.failRemaining -= 1 }
                failure = (control.failStatus, control.retryAfter)
            }
            return (control.mode, failure, control.handler(for: request.path), control.conflictOnDuplicate, control.generation)
        }
        switch mode {
        case .ok:
            break
        case .slow(let delay):
            try? await Task.sleep(for: delay)
        case .hang:
            await hang(whileGeneration: generation)
            return HTTPResponse.problem(Problem(status: 503, detail: "simulated hang released"))
        case .reset:
            return HTTPResponse(
                status: 502,
                headers: HTTPHeaders([("X-Simulated", "reset")]),
                body: Array("simulated reset".utf8))
        }
        if let (status, retryAfter) = failure {
            var problem = Problem(status: status, detail: "simulated failure")
            if let retryAfter { problem.headers.append(("Retry-After", retryAfter)) }
            return HTTPResponse.problem(problem)
        }
        let key = request.headers["Idempotency-Key"] ?? ""
        if let route, let recorded = recorder.request(key: key) {
            return await route(request, recorded)
        }
        if conflict && count > 1 {
            return HTTPResponse.problem(Problem(status: 409, detail: "key \(key) already received"))
        }
        var json = JSONWriter()
        json.object { object in
            object.field("key", key)
            object.field("status", "received")
        }
        return HTTPResponse.json(200, json.bytes)
    }

    /// Waits until the mode changes, the simulator stops, or a minute passes (so no task lives forever).
    private func hang(whileGeneration generation: Int) async {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, !stopped.load(ordering: .relaxed),
            control.withLock({ $0.generation }) == generation
        {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private func controlRequest(_ request: HTTPRequest) -> HTTPResponse {
        if let custom = control.withLock({ $0.controlRoutes[request.path] }), let response = custom(request) {
            return response
        }
        let query = Dictionary(request.query, uniquingKeysWith: { _, last in last })
        switch (request.method, request.path) {
        case ("GET", "/_control/received"):
            return HTTPResponse.json(200, recorder.countsJSON())
        case ("POST", "/_control/fail"):
            guard let status = query["status"].flatMap(Int.init), (100...599).contains(status) else {
                return HTTPResponse.problem(Problem(status: 400, detail: "status must be 100...599"))
            }
            let count = query["count"].flatMap(Int.init) ?? 1
            fail(status: status, count: count, retryAfter: query["retryAfter"])
            return HTTPResponse(status: 204)
        case ("POST", "/_control/mode"):
            switch query["m"] {
            case "ok": mode = .ok
            case "hang": mode = .hang
            case "reset": mode = .reset
            case "slow": mode = .slow(.milliseconds(query["delay"].flatMap(Int.init) ?? 1000))
            default: return HTTPResponse.problem(Problem(status: 400, detail: "m must be ok, hang, slow or reset"))
            }
            return HTTPResponse(status: 204)
        case ("POST", "/_control/reset"):
            heal()
            recorder.clear()
            return HTTPResponse(status: 204)
        default:
            return HTTPResponse.problem(Problem(status: 404, detail: "unknown control endpoint"))
        }
    }
}
