import Delivery
import Foundation
import HTTPCore
import Messages
import Store

/// The operator API on listeners with role `operator`: routing-log search, message views with masking by
/// role, replays, statistics, the audit trail, Prometheus metrics and health.
///
/// Every `/v1` route needs a bearer token of a configured operator (401 without, 403 when the role may not; see
/// ``OperatorAction`` for the matrix). `/metrics` needs one too, except on a plain (loopback-only) listener.
public final class OperatorService: Sendable {
    enum Route: Sendable {
        case log, message, replay, deadLetters, stats, audit, metrics, health, ready
        case consoleRedirect, consoleIndex, consoleAsset
    }

    /// Every route of the operator listener: the one table the router is built from and `openapi.yaml` is
    /// checked against (OpenAPITests).
    static let routeTable: [(method: String, pattern: String, route: Route)] = [
        ("GET", "/v1/log", .log),
        ("GET", "/v1/messages/{id}", .message),
        ("POST", "/v1/messages/{id}/replay", .replay),
        ("POST", "/v1/dead-letters/replay", .deadLetters),
        ("GET", "/v1/stats", .stats),
        ("GET", "/v1/audit", .audit),
        ("GET", "/metrics", .metrics),
        ("GET", "/healthz", .health),
        ("GET", "/readyz", .ready),
        ("GET", "/console", .consoleRedirect),
        ("GET", "/console/", .consoleIndex),
        ("GET", "/console/{asset}", .consoleAsset),
    ]

    /// The method and path pattern of every operator route.
    static var routes: [(method: String, pattern: String)] { routeTable.map { ($0.method, $0.pattern) } }

    private let config: GatewayConfig
    private let store: any MessageStore
    private let metrics: Metrics
    private let deliverer: Deliverer?
    private let authenticator: OperatorAuthenticator
    private let readiness: @Sendable () async -> (ready: Bool, detail: [String: String])
    private let commitStats: @Sendable () -> CommitStats?
    private let openMetrics: Bool
    private let paths: HTTPCore.Router<Route>
    private let console: ConsoleAssets
    private let cipher: BodyCipher?

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - config: The validated configuration (operators and their token hashes, destinations).
    ///   - store: The store to read and replay in.
    ///   - metrics: The counters the pipeline updates.
    ///   - deliverer: Breaker states and requests in flight; woken after a replay.
    ///   - readiness: Answers `/readyz`.
    ///   - commitStats: The store writer's counters, if any.
    ///   - openMetrics: Serve `/metrics` without a token (only for plain listeners, which bind loopback).
    ///   - cipher: Opens sealed bodies for `?body=true`; nil when encryption is off.
    public init(
        config: GatewayConfig,
        store: any MessageStore,
        metrics: Metrics,
        deliverer: Deliverer?,
        readiness: @escaping @Sendable () async -> (ready: Bool, detail: [String: String]),
        commitStats: @escaping @Sendable () -> CommitStats?,
        openMetrics: Bool,
        cipher: BodyCipher? = nil
    ) {
        self.cipher = cipher
        self.config = config
        self.store = store
        self.metrics = metrics
        self.deliverer = deliverer
        self.authenticator = OperatorAuthenticator(config: config)
        self.readiness = readiness
        self.commitStats = commitStats
        self.openMetrics = openMetrics
        var paths = HTTPCore.Router<Route>()
        for entry in Self.routeTable { paths.add(entry.method, entry.pattern, entry.route) }
        self.paths = paths
        self.console = ConsoleAssets()
    }

    /// Handles one request from an operator listener.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let match: RouteMatch<Route>
        switch paths.lookup(method: request.method, path: request.path) {
        case .failure(let problem): return .problem(problem)
        case .success(let found): match = found
        }
        do {
            switch match.key {
            case .health:
                return .json(200, Array(#"{"status":"ok"}"#.utf8))
            case .ready:
                return await ready()
            case .consoleRedirect:
                // The page asks for the token itself; its files hold no data, so they need none.
                return ConsoleAssets.redirect
            case .consoleIndex:
                return console.response(for: nil)
            case .consoleAsset:
                return console.response(for: match.parameters["asset"] ?? "")
            case .metrics:
                if !openMetrics { _ = try authenticator.authorize(request, for: .readMetrics).get() }
                return await metricsResponse()
            case .log:
                let person = try authenticator.authorize(request, for: .readLog).get()
                return try await log(request, person: person)
            case .message:
                let person = try authenticator.authorize(request, for: .readMessage).get()
                return try await message(request, id: match.parameters["id"] ?? "", person: person)
            case .replay:
                let person = try authenticator.authorize(request, for: .replay).get()
                return try await replay(request, id: match.parameters["id"] ?? "", person: person)
            case .deadLetters:
                let person = try authenticator.authorize(request, for: .replay).get()
                return try await replayDeadLetters(request, person: person)
            case .stats:
                _ = try authenticator.authorize(request, for: .readStats).get()
                return try await stats()
            case .audit:
                _ = try authenticator.authorize(request, for: .readAudit).get()
                return try await audit(request)
            }
        } catch let problem as Problem {
            return .problem(problem)
        } catch {
            return .problem(Problem(status: 503, title: "Store unavailable", detail: "retry later",
                                    headers: [("Retry-After", "5")]))
        }
    }

    // MARK: - Health and metrics

    private func ready() async -> HTTPResponse {
        let (ok, detail) = await readiness()
        var json = JSONWriter()
        json.object { o in
            o.field("status", ok ? "ready" : "not_ready")
            for key in detail.keys.sorted() { o.field(key, detail[key] ?? "") }
        }
        return .json(ok ? 200 : 503, json.bytes)
    }

    private func metricsResponse() async -> HTTPResponse {
        var gauges = MetricsText.Gauges()
        // A store that can't answer leaves the outbox gauges at zero; the counters are still worth serving.
        gauges.outbox = (try? await store.outboxStats()) ?? []
        gauges.destinations = destinationIDs.map { id in
            (id, deliverer?.breakerState(destination: id), deliverer?.activeRequests(destination: id) ?? 0)
        }
        gauges.commits = commitStats()
        let text = MetricsText.render(metrics.snapshot(), gauges: gauges)
        return .body(200, contentType: MetricsText.contentType, Array(text.utf8))
    }

    private var destinationIDs: [String] { config.expandedDestinations.map(\.id).sorted() }

    // MARK: - Log and messages

    private func log(_ request: HTTPRequest, person: GatewayConfig.Operator) async throws -> HTTPResponse {
        let query = try LogQuery.parse(request.query).get()
        let page = try await store.searchLog(query.filter, after: query.cursor, limit: query.limit)
        return .json(200, OperatorJSON.page(page, masked: person.role.seesMaskedData))
    }

    private func message(_ request: HTTPRequest, id: String, person: GatewayConfig.Operator) async throws
        -> HTTPResponse
    {
        var wantsBody = false
        for (name, value) in request.query {
            guard name == "body" else {
                throw Problem(status: 400, title: "Bad query parameter", detail: "check \(name)",
                              problems: [Problem.Item(field: name, code: "unknown", message: "expected only body")])
            }
            switch value {
            case "true", "1": wantsBody = true
            case "false", "0": wantsBody = false
            default:
                throw Problem(status: 400, title: "Bad query parameter", detail: "check body",
                              problems: [Problem.Item(field: "body", code: "format", message: "body is true or false")])
            }
        }
        if wantsBody { _ = try authenticator.authorize(request, for: .readBody).get() }
        let notFound = Problem(status: 404, title: "Unknown message", detail: "no message \(id)")
        guard let messageID = MessageID(id), var stored = try await store.message(messageID) else { throw notFound }
        let masked = person.role.seesMaskedData
        var bodyError: String?
        if wantsBody && !masked {
            do {
                stored.message = try BodyCipher.open(stored.message, with: cipher)
            } catch {
                bodyError = error.description
            }
        }
        if !masked {
            // Operators and auditors see personal data unmasked: every such view is on the record.
            var detail = JSONWriter()
            detail.object { o in o.field("body", wantsBody) }
            try await store.appendLog([LogEvent(messageId: messageID, event: "viewed", detail: detail.string,
                                                actor: person.name)])
        }
        let deliveries = try await store.deliveries(of: messageID)
        let timeline = try await store.timeline(of: messageID)
        return .json(200, OperatorJSON.message(stored, deliveries: deliveries, timeline: timeline, masked: masked,
                                               body: wantsBody, bodyError: bodyError))
    }

    // MARK: - Replays

    private func replay(_ request: HTTPRequest, id: String, person: GatewayConfig.Operator) async throws
        -> HTTPResponse
    {
        let body = try ReplayRequest.parse(request.body, allowed: ["destination"], known: Set(destinationIDs))
        guard let messageID = MessageID(id), let stored = try await store.message(messageID) else {
            throw Problem(status: 404, title: "Unknown message", detail: "no message \(id)")
        }
        // The store refuses too (StoreError.bodyPruned); answering here gives the operator the reason.
        if stored.bodyPrunedAt != nil {
            throw Problem(status: 410, title: "Body pruned",
                          detail: "body pruned by retention: message \(id) can no longer be delivered or replayed")
        }
        let count = try await store.replay(messageID, destination: body.destination, by: person.name)
        wake(body.destination)
        return replayed(count)
    }

    private func replayDeadLetters(_ request: HTTPRequest, person: GatewayConfig.Operator) async throws
        -> HTTPResponse
    {
        let body = try ReplayRequest.parse(request.body, allowed: ["destination", "since", "until"],
                                           known: Set(destinationIDs))
        let count = try await store.replayDeadLetters(destination: body.destination, since: body.since,
                                                      until: body.until, by: person.name)
        wake(body.destination)
        return replayed(count)
    }

    private func wake(_ destination: String?) {
        if let destination { deliverer?.wake(destination: destination) } else { deliverer?.wakeAll() }
    }

    private func replayed(_ count: Int) -> HTTPResponse {
        var json = JSONWriter()
        json.object { o in o.field("replayed", count) }
        return .json(200, json.bytes)
    }

    // MARK: - Statistics and audit

    private func stats() async throws -> HTTPResponse {
        let now = Date()
        let hourAgo = now.addingTimeInterval(-3600)
        let outbox = try await store.outboxStats()
        let counts = try await store.logCounts(since: hourAgo)
        return .json(200, OperatorStatsJSON.render(
            outbox: outbox, counts: counts, destinations: destinationIDs, deliverer: deliverer, since: hourAgo, now: now))
    }

    private func audit(_ request: HTTPRequest) async throws -> HTTPResponse {
        let query = try LogQuery.parse(request.query, allowed: ["since", "until", "message", "limit", "cursor"]).get()
        // Two event filters merged by sequence: each list is newest first below the cursor, so the first `limit`
        // of the merge are exactly the first `limit` matches of either event.
        var viewed = query.filter
        viewed.event = "viewed"
        var replayedFilter = query.filter
        replayedFilter.event = "replayed"
        let first = try await store.searchLog(viewed, after: query.cursor, limit: query.limit)
        let second = try await store.searchLog(replayedFilter, after: query.cursor, limit: query.limit)
        let merged = (first.entries + second.entries).sorted { $0.seq > $1.seq }
        let entries = Array(merged.prefix(query.limit))
        let more = merged.count > query.limit || first.next != nil || second.next != nil
        let next = more ? entries.last.map { LogCursor(seq: $0.seq) } : nil
        var json = JSONWriter()
        json.object { o in
            o.array("entries") { a in
                for entry in entries {
                    a.object { e in
                        e.field("seq", entry.seq)
                        e.field("at", Timestamp.iso(entry.at))
                        e.field("actor", entry.actor)
                        e.field("event", entry.event)
                        e.field("message_id", entry.messageId?.rawValue)
                        if let destination = entry.destination { e.field("destination", destination) }
                        if let type = entry.type { e.field("type", type) }
                        e.raw("detail", Array(entry.detail.utf8))
                    }
                }
            }
            o.field("next", next?.description)
        }
        return .json(200, json.bytes)
    }
}
