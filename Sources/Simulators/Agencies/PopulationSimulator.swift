import HTTP
import HTTPCore
import Synchronization

/// The simulated National Population Database: `GET /v1/citizens/{id}` (base path configurable)
/// answers the citizen as JSON from a fixture list, `404` for an unknown ID, `400` for one that is not
/// 12 digits. It can be taken down (``goDown(_:)``: `503` or hanging) to show that an unreachable
/// registry delays delivery and never drops a message.
public final class PopulationSimulator: Sendable {
    /// The HTTP side: recorder and HTTP-level faults (`/_control/fail`, `/_control/mode?m=hang` work too).
    public let server: DestinationSimulator
    /// The path before the ID, e.g. `/v1/citizens/`.
    public let pathPrefix: String
    private let citizens: Mutex<[String: Citizen]>

    /// Creates the database; nothing listens until ``start()``.
    ///
    /// - Parameters:
    ///   - tls: Server TLS; `nil` for plain HTTP.
    ///   - port: The port; 0 picks a free one.
    ///   - citizens: The people it knows.
    ///   - basePath: The collection path; lookups are `basePath/{id}`.
    public init(tls: TLSConfiguration? = nil, port: Int = 0, citizens: [Citizen], basePath: String = "/v1/citizens") {
        server = DestinationSimulator(tls: tls, port: port, loops: 1)
        pathPrefix = basePath.hasSuffix("/") ? basePath : basePath + "/"
        self.citizens = Mutex(Dictionary(citizens.map { ($0.citizenId, $0) }, uniquingKeysWith: { first, _ in first }))
        server.route(prefix: pathPrefix) { [weak self] request, _ in
            guard let self else { return SimulatorJSON.problem(503, "stopped") }
            return self.lookup(request)
        }
    }

    /// Starts listening.
    ///
    /// - Throws: The server's error if it cannot bind or load its TLS files.
    public func start() throws { try server.start() }

    /// Stops listening (and releases hanging lookups).
    public func shutdown() { server.shutdown() }

    /// The bound port (after ``start()``).
    public var port: Int { server.port }

    /// `http://127.0.0.1:<port>` or `https://localhost:<port>`.
    public var baseURL: String { server.baseURL }

    /// How many people it knows.
    public var count: Int { citizens.withLock { $0.count } }

    /// The person with this ID, if known.
    public func citizen(_ id: String) -> Citizen? { citizens.withLock { $0[id] } }

    /// Adds or replaces a person.
    public func register(_ citizen: Citizen) { citizens.withLock { $0[citizen.citizenId] = citizen } }

    /// Makes every lookup fail (`503`) or hang until ``recover()``.
    public func goDown(_ outage: PopulationOutage) {
        switch outage {
        case .unavailable: server.fail(status: 503, count: -1, retryAfter: "5")
        case .hang: server.mode = .hang
        }
    }

    /// Answers lookups again (hanging ones are released with `503`).
    public func recover() { server.heal() }

    private func lookup(_ request: HTTPRequest) -> HTTPResponse {
        guard request.method == "GET" else { return SimulatorJSON.methodNotAllowed("GET") }
        let id = String(request.path.dropFirst(pathPrefix.count))
        guard SimulatorJSON.isDigits(id, count: 12) else {
            return SimulatorJSON.problem(400, "a personal ID number is 12 digits", items: [
                Problem.Item(field: "id", code: "format", message: "12 digits")
            ])
        }
        guard let person = citizen(id) else { return SimulatorJSON.problem(404, "no citizen \(id)") }
        var json = JSONWriter()
        json.object { o in
            o.field("citizenId", person.citizenId)
            o.field("fullName", person.fullName)
            o.field("dateOfBirth", person.dateOfBirth)
            o.field("sex", person.sex)
            o.field("residenceProvince", person.residenceProvince)
            o.field("status", person.status)
        }
        return HTTPResponse.json(200, json.bytes)
    }
}
