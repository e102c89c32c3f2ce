import Delivery
import Foundation
@testable import Gateway
import Glibc
import Messages
import Simulators
import Testing

/// A gateway under test: a temp directory with a config, a token per agency, a real SQLite file, and a
/// real destination simulator on loopback. Tests talk to it over HTTP through libcurl.
final class GatewayHarness: @unchecked Sendable {
    // Invariant: fields are set in init and never mutated afterwards.
    let directory: URL
    let simulator: DestinationSimulator
    let agencyPort: Int
    let tokens: [String: String]
    /// The operator listener (plain, loopback) and a token per operator, by name: `viewer`, `operator`, `auditor`
    /// (each operator has the role of its name).
    let operatorPort: Int
    let operatorTokens: [String: String]
    let configPath: String
    let client = HTTPClient(workers: 1)
    private(set) var runtime: GatewayRuntime?

    /// - Parameters:
    ///   - extraAgencies: extra agency JSON objects.
    ///   - destinationOptions: extra JSON members for the `sim` destination.
    ///   - extraConfig: extra top-level JSON members, each starting with a comma (e.g. `, "encryption": {...}`).
    ///   - retention: a JSON object for the config's `retention` member, if any.
    init(destinationOptions: String = "", rateLimit: String? = nil, limits: String = "", extraConfig: String = "",
         retention: String? = nil) throws {
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("gw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        simulator = DestinationSimulator(conflictOnDuplicate: true)
        try simulator.start()
        agencyPort = try FreePort.find()
        tokens = ["notes": "token-notes-\(UUID().uuidString)", "court": "token-court-\(UUID().uuidString)"]
        for (name, token) in tokens {
            try token.write(to: directory.appendingPathComponent("\(name).token"), atomically: true, encoding: .utf8)
        }
        operatorPort = try FreePort.find()
        operatorTokens = Dictionary(uniqueKeysWithValues: ["viewer", "operator", "auditor"].map {
            ($0, "op-\($0)-\(UUID().uuidString)")
        })
        for (name, token) in operatorTokens {
            try token.write(to: directory.appendingPathComponent("op-\(name).token"), atomically: true, encoding: .utf8)
        }
        let retentionMember = retention.map { " \"retention\": \($0)," } ?? ""
        let rate = rateLimit.map { #", "rateLimit": \#($0)"# } ?? ""
        let config = """
        {
          "node": "test",
          "listeners": [{"name": "dev", "host": "127.0.0.1", "port": \(agencyPort), "role": "agency", "plain": true},
                        {"name": "ops", "host": "127.0.0.1", "port": \(operatorPort), "role": "operator", "plain": true}],
          "operators": [
            {"name": "viewer", "role": "viewer", "tokenFile": "op-viewer.token"},
            {"name": "operator", "role": "operator", "tokenFile": "op-operator.token"},
            {"name": "auditor", "role": "auditor", "tokenFile": "op-auditor.token"}
          ],
          "limits": {"headTimeoutMs": 2000, "idleTimeoutMs": 5000\(limits)},\(retentionMember)
          "store": "sqlite:\(directory.path)/data/interchange.db",
          "agencies": [
            {"id": "notes", "kind": "hospital", "name": "Notes sender", "auth": {"tokenFile": "notes.token"},
             "types": ["test.note"]\(rate)},
            {"id": "court", "kind": "court", "name": "A court", "province": "01", "auth": {"tokenFile": "court.token"},
             "types": ["court.verdict"]}
          ],
          "destinations": [
            {"id": "sim", "url": "\(simulator.baseURL)/notes", "format": "canonical.json", "timeoutMs": 2000,
             "concurrency": 4, "retry": {"maxAttempts": 50, "initialBackoffMs": 50, "maxBackoffMs": 400, "maxAgeHours": 1},
             "breaker": {"failureThreshold": 1000, "openMs": 100}\(destinationOptions)}
          ],
          "routes": [{"type": "test.note", "destinations": ["sim"]}]\(extraConfig)
        }
        """
        configPath = directory.appendingPathComponent("gateway.json").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func startInProcess(retentionSchedule: RetentionJob.Schedule = RetentionJob.Schedule()) throws {
        let config = try GatewayConfig.load(path: configPath, baseDirectory: directory.path)
        let runtime = try GatewayRuntime(config: config, retentionSchedule: retentionSchedule)
        try runtime.start()
        self.runtime = runtime
    }

    var baseURL: String { "http://127.0.0.1:\(agencyPort)" }

    /// Sends a request to the gateway as `agency` (nil: no credentials).
    func send(_ path: String, method: String = "POST", body: String = "", as agency: String? = "notes",
              headers: [(String, String)] = [], contentType: String = "application/json",
              timeout: Duration = .seconds(10)) async -> (Int, String, [(String, String)]) {
        var all = headers
        if let agency, let token = tokens[agency] { all.append(("Authorization", "Bearer \(token)")) }
        if method == "POST" { all.append(("Content-Type", contentType)) }
        let request = OutboundRequest(url: baseURL + path, method: method, headers: all, body: Array(body.utf8),
                                      timeout: timeout)
        switch await client.send(request) {
        case .success(let response):
            return (response.status, String(decoding: response.body, as: UTF8.self), response.headers)
        case .failure(let error):
            return (0, "\(error)", [])
        }
    }

    /// Sends a request to the operator listener as the operator named `person` (nil: no credentials).
    func sendOperator(_ path: String, method: String = "GET", body: String = "", as person: String? = "operator",
                      token: String? = nil) async -> (Int, String, [(String, String)]) {
        var headers: [(String, String)] = []
        if let token = token ?? person.flatMap({ operatorTokens[$0] }) { headers.append(("Authorization", "Bearer \(token)")) }
        if method == "POST" { headers.append(("Content-Type", "application/json")) }
        let request = OutboundRequest(url: "http://127.0.0.1:\(operatorPort)" + path, method: method, headers: headers,
                                      body: Array(body.utf8), timeout: .seconds(10))
        switch await client.send(request) {
        case .success(let response):
            return (response.status, String(decoding: response.body, as: UTF8.self), response.headers)
        case .failure(let error):
            return (0, "\(error)", [])
        }
    }

    func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    /// Waits until `condition` holds or `timeout` passes.
    func eventually(timeout: Duration = .seconds(10), _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    func shutdown() async {
        await runtime?.stop()
        simulator.shutdown()
        client.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Finds a free TCP port on loopback by binding port 0 and closing.
enum FreePort {
    static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw SimulatorError(operation: "bind", code: errno) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
