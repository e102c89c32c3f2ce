import HTTP
import HTTPCore
import Messages
import Synchronization

/// All 63 provincial Departments of Justice on one port: `POST /doj/{province}/records` (prefix and
/// suffix configurable) takes a JSON object for the department of that two-digit province; an unknown
/// province is `404`. Records are kept per province.
///
/// One province can be made to fail while the others keep answering, in-process with
/// ``fail(province:status:count:)`` or over HTTP with `POST /_control/fail?province=46&status=503&count=-1`
/// (`count=0` heals it); without `province` the ``DestinationSimulator`` control fails every province.
/// `GET /_control/provinces` lists the records received per province.
public final class JusticeSimulator: Sendable {
    private struct Failure {
        var status: Int
        var remaining: Int
    }

    /// The HTTP side: recorder and whole-server faults.
    public let server: DestinationSimulator
    /// The path before the province code, e.g. `/doj/`.
    public let pathPrefix: String
    /// The path after the province code, e.g. `/records`.
    public let pathSuffix: String
    private let ledger = IntakeLedger(prefix: "STP")
    private let failures = Mutex<[String: Failure]>([:])

    /// Creates the departments; nothing listens until ``start()``.
    ///
    /// - Parameters:
    ///   - tls: Server TLS; `nil` for plain HTTP.
    ///   - port: The port; 0 picks a free one.
    ///   - pathPrefix: The path up to the province code.
    ///   - pathSuffix: The path after the province code.
    public init(tls: TLSConfiguration? = nil, port: Int = 0, pathPrefix: String = "/doj/", pathSuffix: String = "/records") {
        server = DestinationSimulator(tls: tls, port: port, loops: 1)
        self.pathPrefix = pathPrefix
        self.pathSuffix = pathSuffix
        server.route(prefix: pathPrefix) { [weak self] request, _ in
            guard let self else { return SimulatorJSON.problem(503, "stopped") }
            return self.handle(request)
        }
        server.controlRoute("/_control/fail") { [weak self] request in
            let query = SimulatorJSON.query(request)
            guard let province = query["province"] else { return nil }
            guard Provinces.isValid(province) else { return SimulatorJSON.problem(400, "unknown province \(province)") }
            let status = query["status"].flatMap(Int.init) ?? 503
            guard (100...599).contains(status) else { return SimulatorJSON.problem(400, "status must be 100...599") }
            self?.fail(province: province, status: status, count: query["count"].flatMap(Int.init) ?? -1)
            return HTTPResponse(status: 204)
        }
        server.controlRoute("/_control/provinces") { [weak self] _ in
            var json = JSONWriter()
            json.object { o in
                for (province, count) in (self?.countsByProvince ?? [:]).sorted(by: { $0.key < $1.key }) {
                    o.field(province, count)
                }
            }
            return HTTPResponse.json(200, json.bytes)
        }
        server.controlRoute("/_control/reset") { [weak self] _ in
            self?.ledger.clear()
            self?.failures.withLock { $0 = [:] }
            return nil
        }
    }

    /// Starts listening.
    ///
    /// - Throws: The server's error if it cannot bind or load its TLS files.
    public func start() throws { try server.start() }

    /// Stops listening.
    public func shutdown() { server.shutdown() }

    /// The bound port (after ``start()``).
    public var port: Int { server.port }

    /// `http://127.0.0.1:<port>` or `https://localhost:<port>`.
    public var baseURL: String { server.baseURL }

    /// The URL of one province's department.
    public func url(province: String) -> String { baseURL + pathPrefix + province + pathSuffix }

    /// Makes the next `count` posts to one province (all of them while negative; `0` heals) fail with `status`.
    public func fail(province: String, status: Int = 503, count: Int = -1) {
        failures.withLock { failures in
            failures[province] = count == 0 ? nil : Failure(status: status, remaining: count)
        }
    }

    /// Ends every per-province failure and the server-wide ones.
    public func heal() {
        failures.withLock { $0 = [:] }
        server.heal()
    }

    /// Every accepted record, in order.
    public var records: [IntakeRecord] { ledger.records }

    /// The records one province's department accepted.
    public func records(province: String) -> [IntakeRecord] { ledger.records.filter { $0.province == province } }

    /// Accepted records per province (provinces with none are absent).
    public var countsByProvince: [String: Int] {
        var counts: [String: Int] = [:]
        for record in ledger.records { counts[record.province, default: 0] += 1 }
        return counts
    }

    private func handle(_ request: HTTPRequest) -> HTTPResponse {
        let rest = request.path.dropFirst(pathPrefix.count)
        guard rest.hasSuffix(pathSuffix) else { return SimulatorJSON.problem(404, "no endpoint \(request.path)") }
        let province = String(rest.dropLast(pathSuffix.count))
        guard Provinces.isValid(province) else {
            return SimulatorJSON.problem(404, "no Department of Justice for province \"\(province)\"")
        }
        let failure = failures.withLock { failures -> Int? in
            guard var entry = failures[province] else { return nil }
            if entry.remaining > 0 {
                entry.remaining -= 1
                failures[province] = entry.remaining == 0 ? nil : entry
            }
            return entry.status
        }
        if let failure { return SimulatorJSON.problem(failure, "simulated failure of the department of province \(province)") }
        return ledger.accept(request, province: province)
    }
}
