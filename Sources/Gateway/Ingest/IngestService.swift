import Foundation
import HTTPCore
import Messages
import Store

/// The agency-facing side of the pipeline: authenticate, authorise, rate-limit, decode with the
/// sender's adapter, route, deduplicate and commit, then answer with receipts (DESIGN.md "Flow" 1–7).
///
/// A 202 leaves only after ``MessageStore/admit(_:)`` returned, i.e. after the commit is on disk.
public final class IngestService: Sendable {
    private enum Route: Sendable {
        case ingest(IngestEndpoint)
        case messageStatus
        case populationLookup
        case health
        case ready
    }

    private let config: GatewayConfig
    private let store: any MessageStore
    private let router: MessageRouter
    private let authenticator: AgencyAuthenticator
    private let rateLimiter = RateLimiter()
    private let paths: HTTPCore.Router<Route>
    private let readiness: @Sendable () async -> (ready: Bool, detail: [String: String])
    private let onAdmitted: @Sendable (Set<String>) -> Void
    private let population: PopulationDirectory?
    /// Refuses work when an outbox is too deep or the pipeline too full.
    let backPressure: BackPressure
    private let metrics: Metrics?
    /// Seals bodies right before they are committed; nil stores them in clear.
    private let cipher: BodyCipher?

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - config: The validated configuration.
    ///   - store: Where messages are committed.
    ///   - endpoints: The POST paths and their adapters.
    ///   - readiness: Answers `/readyz`.
    ///   - onAdmitted: Called with the destinations that got new outbox rows (to wake their deliverers).
    ///   - metrics: Counts message outcomes and ingest latency, if given.
    ///   - cipher: Seals bodies at rest, if encryption is configured.
    init(
        config: GatewayConfig,
        store: any MessageStore,
        endpoints: [IngestEndpoint],
        population: PopulationDirectory? = nil,
        readiness: @escaping @Sendable () async -> (ready: Bool, detail: [String: String]),
        onAdmitted: @escaping @Sendable (Set<String>) -> Void,
        metrics: Metrics? = nil,
        cipher: BodyCipher? = nil
    ) {
        self.metrics = metrics
        self.cipher = cipher
        self.config = config
        self.store = store
        self.router = MessageRouter(routes: config.routes, knownDestinations: Set(config.expandedDestinations.map(\.id)))
        self.authenticator = AgencyAuthenticator(config: config)
        self.readiness = readiness
        self.onAdmitted = onAdmitted
        self.population = population
        self.backPressure = BackPressure(maxDepth: config.limits.maxOutboxDepth,
                                         maxInflight: config.limits.maxInflightRequests)
        var paths = HTTPCore.Router<Route>()
        for entry in Self.routeTable(endpoints: endpoints) { paths.add(entry.method, entry.pattern, entry.route) }
        self.paths = paths
    }

    /// Every route of an agency listener: the one table the router is built from and `openapi.yaml` is
    /// checked against (OpenAPITests).
    private static func routeTable(endpoints: [IngestEndpoint]) -> [(method: String, pattern: String, route: Route)] {
        endpoints.map { ("POST", $0.path, Route.ingest($0)) } + [
            ("GET", "/v1/messages/{id}", .messageStatus),
            ("GET", "/v1/population/citizens/{id}", .populationLookup),
            ("GET", "/healthz", .health),
            ("GET", "/readyz", .ready),
        ]
    }

    /// The method and path pattern of every route an agency listener with `endpoints` serves.
    static func routes(endpoints: [IngestEndpoint]) -> [(method: String, pattern: String)] {
        routeTable(endpoints: endpoints).map { ($0.method, $0.pattern) }
    }

    /// The largest body a path may carry: envelopes get `maxBatchBodyBytes`, everything else `maxBodyBytes`.
    func bodyLimit(method: String, path: String) -> Int {
        if case .success(let match) = paths.lookup(method: method, path: path),
           case .ingest(let endpoint) = match.key, endpoint.allowsLargeBodies {
            return config.limits.maxBatchBodyBytes
        }
        return config.limits.maxBodyBytes
    }

    /// Handles one request from an agency listener.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let match: RouteMatch<Route>
        switch paths.lookup(method: request.method, path: request.path) {
        case .failure(let problem): return .problem(problem)
        case .success(let found): match = found
        }
        switch match.key {
        case .health:
            return .json(200, Array(#"{"status":"ok"}"#.utf8))
        case .ready:
            return await ready()
        case .messageStatus:
            return await messageStatus(request, id: match.parameters["id"] ?? "")
        case .ingest(let endpoint):
            let started = ContinuousClock.now
            let response = await ingest(request, endpoint: endpoint)
            if let metrics {
                let elapsed = (ContinuousClock.now - started).components
                metrics.observeIngest(seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
            }
            return response
        case .populationLookup:
            return await populationLookup(request, id: match.parameters["id"] ?? "")
        }
    }

    /// `GET /v1/population/citizens/{id}`: a logged, rate-limited proxy for agencies allowed to look up.
    private func populationLookup(_ request: HTTPRequest, id: String) async -> HTTPResponse {
        let agency: GatewayConfig.Agency
        switch authenticator.authenticate(request) {
        case .failure(let problem): return .problem(problem)
        case .success(let found): agency = found
        }
        guard agency.populationLookup else {
            return .problem(Problem(status: 403, title: "Population lookup not allowed",
                                    detail: "agency \(agency.id) has no populationLookup right"))
        }
        if let refusal = rateLimited(agency) { return refusal }
        guard id.utf8.count == 12, id.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return .problem(Problem(status: 400, title: "Malformed citizen ID number", detail: "12 digits",
                                    problems: [Problem.Item(field: "id", code: "format", message: "12 digits")]))
        }
        guard let population else {
            return .problem(Problem(status: 503, title: "Population database not configured"))
        }
        let correlationId = CorrelationID.from(request.headers["X-Correlation-Id"])
        let lookup: PopulationDirectory.Lookup
        do {
            lookup = try await population.lookup(id, correlationId: correlationId)
        } catch {
            return .problem(Problem(status: 503, title: "Population database unreachable", detail: "retry later",
                                    headers: [("Retry-After", "5")]))
        }
        let found: Bool
        if case .found = lookup { found = true } else { found = false }
        let event = LogEvent(event: "population_lookup", detail: found ? #"{"found":true}"# : #"{"found":false}"#,
                             type: "population.lookup", sender: agency.id, keys: [BusinessKey(kind: "citizen", value: id)])
        do {
            try await store.appendLog([event])
        } catch {
            // Every lookup of personal data must be on record: no record, no answer.
            return .problem(Problem(status: 503, title: "Store unavailable", detail: "retry later",
                                    headers: [("Retry-After", "5")]))
        }
        switch lookup {
        case .found(_, let raw): return .json(200, raw)
        case .unknown: return .problem(Problem(status: 404, title: "Unknown citizen", detail: "no citizen with this ID number"))
        }
    }

    private func rateLimited(_ agency: GatewayConfig.Agency) -> HTTPResponse? {
        guard let limit = agency.rateLimit else { return nil }
        let rate = RateLimiter.Rate(perSecond: Double(limit.perSecond), burst: Double(limit.burst))
        guard let wait = rateLimiter.take(agency.id, rate: rate) else { return nil }
        return .problem(Problem(status: 429, title: "Rate limit exceeded",
                                detail: "agency \(agency.id) may send \(limit.perSecond) requests/s",
                                headers: [("Retry-After", String(max(1, Int(wait.rounded(.up)))))]))
    }

    private func ready() async -> HTTPResponse {
        let (ok, detail) = await readiness()
        var json = JSONWriter()
        json.object { o in
            o.field("status", ok ? "ready" : "not_ready")
            for key in detail.keys.sorted() { o.field(key, detail[key] ?? "") }
        }
        return .json(ok ? 200 : 503, json.bytes)
    }

    private func ingest(_ request: HTTPRequest, endpoint: IngestEndpoint) async -> HTTPResponse {
        guard backPressure.enter() else {
            return .problem(Problem(status: 503, title: "Gateway busy",
                                    detail: "too many requests in progress; retry later", headers: [("Retry-After", "1")]))
        }
        defer { backPressure.leave() }
        let agency: GatewayConfig.Agency
        switch authenticator.authenticate(request) {
        case .failure(let problem): return .problem(problem)
        case .success(let found): agency = found
        }
        guard agency.maySend(endpoint.type) else {
            return .problem(Problem(status: 403, title: "Message type not allowed",
                                    detail: "agency \(agency.id) may not send \(endpoint.type)"))
        }
        if let refusal = rateLimited(agency) { return refusal }
        let correlationId = CorrelationID.from(request.headers["X-Correlation-Id"])
        let idempotencyHeader = request.headers["Idempotency-Key"]
        if let key = idempotencyHeader, !IdempotencyKey.isValid(key) {
            return .problem(Problem(status: 400, title: "Malformed Idempotency-Key",
                                    detail: "1–200 visible ASCII characters",
                                    problems: [Problem.Item(field: "Idempotency-Key", code: "format",
                                                            message: "1–200 visible ASCII characters")]))
        }
        let decoded: DecodeResult
        do {
            decoded = try endpoint.adapter.decode(request.body, contentType: request.mediaType,
                                                  sender: agency.senderContext(correlationId: correlationId))
        } catch {
            await logRejection(agency: agency, type: endpoint.type, problems: error.problems, detail: error.detail)
            metrics?.recordMessages([(endpoint.type.rawValue, agency.id, .rejected)])
            return .problem(Problem(status: error.status, title: Self.title(for: error.status), detail: error.detail,
                                    problems: error.problems.map(Self.item)))
        }
        return await admit(decoded, agency: agency, type: endpoint.type, idempotencyHeader: idempotencyHeader)
    }

    private func admit(_ decoded: DecodeResult, agency: GatewayConfig.Agency, type: MessageType,
                       idempotencyHeader: String?) async -> HTTPResponse {
        let now = Date()
        var admissions: [Admission] = []
        var admissionIndex: [Int: Int] = [:]
        var rejections: [LogEvent] = []
        for (index, item) in decoded.items.enumerated() {
            guard var message = item.message, item.problems.isEmpty else {
                rejections.append(LogEvent(at: now, event: "rejected", detail: Self.problemsJSON(item.problems),
                                           type: type.rawValue, sender: agency.id,
                                           keys: item.key.map { [BusinessKey(kind: "key", value: $0)] } ?? []))
                continue
            }
            // The header names one message; a batch keeps each item's natural key.
            if let idempotencyHeader, !decoded.isBatch { message.idempotencyKey = idempotencyHeader }
            message.receivedAt = now
            let decision = router.route(type: message.type, attributes: message.attributes)
            admissionIndex[index] = admissions.count
            admissions.append(Admission(
                message: message,
                destinations: decision.destinations.map { OutboxTarget(destination: $0.destination) },
                events: [
                    LogEvent(at: now, event: "stored", detail: Self.storedJSON(message)),
                    LogEvent(at: now, event: "routed", detail: Self.routedJSON(decision)),
                ]
            ))
        }
        let routed = Set(admissions.flatMap { $0.destinations.map(\.destination) })
        let congested = backPressure.congested(routed)
        if !congested.isEmpty {
            return .problem(Problem(status: 503, title: "Destination backlog too deep",
                                    detail: "the outbox of \(congested.sorted().joined(separator: ", ")) is over its limit; "
                                        + "nothing was accepted, retry later",
                                    headers: [("Retry-After", "30")]))
        }
        if let cipher {
            // The content hash (deduplication) and the `stored` event were computed over the plaintext above.
            do {
                for index in admissions.indices {
                    let message = admissions[index].message
                    admissions[index].message.body = try cipher.seal(message.body, messageId: message.id,
                                                                     type: message.type)
                }
            } catch {
                return .problem(Problem(status: 503, title: "Encryption unavailable",
                                        detail: "nothing was accepted; retry later", headers: [("Retry-After", "5")]))
            }
        }
        let results: [AdmissionResult]
        do {
            async let logged: Void = rejections.isEmpty ? () : store.appendLog(rejections)
            results = admissions.isEmpty ? [] : try await store.admit(admissions)
            try await logged
        } catch {
            return .problem(Problem(status: 503, title: "Store unavailable",
                                    detail: "nothing was accepted; retry later",
                                    headers: [("Retry-After", "5")]))
        }
        var woken = Set<String>()
        var outcomes: [(key: String?, outcome: ItemOutcome)] = []
        for (index, item) in decoded.items.enumerated() {
            guard let position = admissionIndex[index] else {
                outcomes.append((item.key, .rejected(item.problems)))
                continue
            }
            let key = admissions[position].message.idempotencyKey
            switch results[position] {
            case .stored(let id):
                outcomes.append((key, .accepted(id)))
                for target in admissions[position].destinations { woken.insert(target.destination) }
            case .duplicate(let duplicate):
                outcomes.append((key, duplicate.sameContent ? .duplicate(duplicate.originalId) : .conflict(duplicate.originalId)))
            }
        }
        if !woken.isEmpty { onAdmitted(woken) }
        metrics?.recordMessages(outcomes.map { (type.rawValue, agency.id, Self.metricsOutcome($0.outcome)) })
        if decoded.isBatch { return Receipts.batch(outcomes) }
        guard let only = outcomes.first else {
            return .problem(Problem(status: 400, title: "Empty request", detail: "the body holds no message"))
        }
        return Receipts.single(only.outcome, detail: nil)
    }

    private func messageStatus(_ request: HTTPRequest, id: String) async -> HTTPResponse {
        let agency: GatewayConfig.Agency
        switch authenticator.authenticate(request) {
        case .failure(let problem): return .problem(problem)
        case .success(let found): agency = found
        }
        let notFound = Problem(status: 404, title: "Unknown message", detail: "no message \(id) sent by this agency")
        guard let messageID = MessageID(id) else { return .problem(notFound) }
        do {
            // A sender sees only its own messages; anyone else's id looks unknown.
            guard let stored = try await store.message(messageID), stored.message.sender == agency.id else {
                return .problem(notFound)
            }
            let deliveries = try await store.deliveries(of: messageID)
            let timeline = try await store.timeline(of: messageID)
            return .json(200, MessageView.senderJSON(stored, deliveries: deliveries, timeline: timeline))
        } catch {
            return .problem(Problem(status: 503, title: "Store unavailable", detail: "retry later",
                                    headers: [("Retry-After", "5")]))
        }
    }

    private func logRejection(agency: GatewayConfig.Agency, type: MessageType, problems: [ValidationProblem],
                              detail: String) async {
        // Adapters' details are about structure, but one quoting a value must not put an ID number in the log.
        let event = LogEvent(event: "rejected", detail: Self.problemsJSON(problems, detail: PersonalDataMask.text(detail)),
                             type: type.rawValue, sender: agency.id)
        // A rejection that can't be logged still gets its answer; the store's own error is logged there.
        try? await store.appendLog([event])
    }

    static func metricsOutcome(_ outcome: ItemOutcome) -> Metrics.MessageOutcome {
        switch outcome {
        case .accepted: .accepted
        case .duplicate: .duplicate
        case .conflict: .conflict
        case .rejected: .rejected
        }
    }

    static func title(for status: Int) -> String {
        switch status {
        case 400: "Malformed request"
        case 413: "Request too large"
        case 415: "Unsupported media type"
        case 422: "Invalid message"
        default: HTTPResponse.reason(status)
        }
    }

    static func item(_ problem: ValidationProblem) -> Problem.Item {
        Problem.Item(field: problem.field, code: problem.code, message: problem.message)
    }

    static func problemsJSON(_ problems: [ValidationProblem], detail: String? = nil) -> String {
        var json = JSONWriter()
        json.object { o in
            if let detail { o.field("detail", detail) }
            o.array("problems") { a in
                for problem in problems {
                    a.object { p in
                        p.field("field", problem.field)
                        p.field("code", problem.code)
                    }
                }
            }
        }
        return json.string
    }

    static func storedJSON(_ message: CanonicalMessage) -> String {
        var json = JSONWriter()
        json.object { o in
            o.field("key", message.idempotencyKey)
            o.field("hash", message.contentHash)
            o.field("bytes", message.body.count)
            o.field("correlation_id", message.correlationId)
        }
        return json.string
    }

    static func routedJSON(_ decision: RoutingDecision) -> String {
        var json = JSONWriter()
        json.object { o in
            o.array("destinations") { a in
                for destination in decision.destinations { a.value(destination.destination) }
            }
            if !decision.skipped.isEmpty {
                o.array("skipped") { a in
                    for skip in decision.skipped {
                        a.object { s in
                            s.field("target", skip.target)
                            s.field("reason", skip.reason)
                        }
                    }
                }
            }
        }
        return json.string
    }
}
