import Agencies
import Foundation
import HTTP
import HTTPCore
import Synchronization

/// The simulated e-health book: `POST <path>` (default `/v1/visits`) takes
/// `{"citizenId": "<12 digits>", "visit": {the 16 fields, all strings}}` (what ``HealthBookEncoder``
/// sends), checks its shape, and files it under the citizen. `201` when recorded, `200` with the same
/// answer for an `Idempotency-Key` already recorded, `415`/`400`/`422` problem documents otherwise.
public final class HealthBookSimulator: Sendable {
    private struct State {
        var entries: [String: HealthBookEntry] = [:]
        var order: [String] = []
        var sequence = 0
    }

    /// The HTTP side: recorder and HTTP-level faults.
    public let server: DestinationSimulator
    /// The path visits are posted to.
    public let path: String
    private let state = Mutex(State())

    /// Creates the book; nothing listens until ``start()``.
    ///
    /// - Parameters:
    ///   - tls: Server TLS; `nil` for plain HTTP.
    ///   - port: The port; 0 picks a free one.
    ///   - path: Where visits are posted.
    public init(tls: TLSConfiguration? = nil, port: Int = 0, path: String = "/v1/visits") {
        server = DestinationSimulator(tls: tls, port: port, loops: 1)
        self.path = path
        server.route(path) { [weak self] request, _ in
            guard let self else { return SimulatorJSON.problem(503, "stopped") }
            return self.handle(request)
        }
        server.controlRoute("/_control/reset") { [weak self] _ in
            self?.state.withLock { $0 = State() }
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

    /// Every recorded visit, in order.
    public var entries: [HealthBookEntry] { state.withLock { state in state.order.compactMap { state.entries[$0] } } }

    /// The visits filed under one citizen.
    public func visits(citizenId: String) -> [HealthBookEntry] { entries.filter { $0.citizenId == citizenId } }

    /// The visit recorded for an `Idempotency-Key`.
    public func entry(key: String) -> HealthBookEntry? { state.withLock { $0.entries[key] } }

    private func handle(_ request: HTTPRequest) -> HTTPResponse {
        guard request.method == "POST" else { return SimulatorJSON.methodNotAllowed("POST") }
        guard request.mediaType == "application/json" else { return SimulatorJSON.problem(415, "send application/json") }
        guard let object = SimulatorJSON.object(request.body) else {
            return SimulatorJSON.problem(400, "the body is not a JSON object")
        }
        var problems: [Problem.Item] = []
        let citizenId = object["citizenId"] as? String ?? ""
        if !SimulatorJSON.isDigits(citizenId, count: 12) {
            problems.append(Problem.Item(field: "citizenId", code: "format", message: "12 digits"))
        }
        for name in object.keys where name != "citizenId" && name != "visit" {
            problems.append(Problem.Item(field: name, code: "unknown", message: "unknown member"))
        }
        var visit: [String: String] = [:]
        if let fields = object["visit"] as? [String: Any] {
            for name in VisitRecord.fieldNames {
                guard let value = fields[name] else {
                    problems.append(Problem.Item(field: "visit.\(name)", code: "required", message: "missing"))
                    continue
                }
                guard let text = value as? String else {
                    problems.append(Problem.Item(field: "visit.\(name)", code: "type", message: "must be a string"))
                    continue
                }
                visit[name] = text
            }
            for name in fields.keys where !VisitRecord.fieldNames.contains(name) {
                problems.append(Problem.Item(field: "visit.\(name)", code: "unknown", message: "not one of the 16 fields"))
            }
            if (visit["MA_LK"] ?? "").isEmpty {
                problems.append(Problem.Item(field: "visit.MA_LK", code: "required", message: "empty"))
            }
            if let id = visit["SO_CCCD"], id != citizenId {
                problems.append(Problem.Item(field: "visit.SO_CCCD", code: "mismatch", message: "differs from citizenId"))
            }
        } else {
            problems.append(Problem.Item(field: "visit", code: "required", message: "an object with the 16 fields"))
        }
        guard problems.isEmpty else { return SimulatorJSON.problem(422, "invalid visit record", items: problems) }
        let key = SimulatorJSON.key(request)
        let (entry, fresh) = state.withLock { state -> (HealthBookEntry, Bool) in
            if !key.isEmpty, let earlier = state.entries[key] { return (earlier, false) }
            state.sequence += 1
            let entry = HealthBookEntry(key: key, citizenId: citizenId, visit: visit)
            let slot = key.isEmpty ? "#\(state.sequence)" : key
            state.entries[slot] = entry
            state.order.append(slot)
            return (entry, true)
        }
        var json = JSONWriter()
        json.object { o in
            o.field("status", "recorded")
            o.field("citizenId", entry.citizenId)
            o.field("visitKey", entry.visitKey)
            o.field("key", entry.key)
        }
        return HTTPResponse.json(fresh ? 201 : 200, json.bytes)
    }
}
