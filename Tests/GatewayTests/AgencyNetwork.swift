import Delivery
import Foundation
@testable import Gateway
import HTTP
import Simulators
import Testing

/// The whole picture over real TLS: a development PKI made for the test, every simulated agency as an HTTPS
/// server that requires the gateway's client certificate, and the gateway with an mTLS agency listener.
/// Agencies post with their own client certificates through libcurl.
final class AgencyNetwork: @unchecked Sendable {
    // Invariant: every stored property is set in init and never reassigned.
    let directory: URL
    let pki: URL
    let healthBook: HealthBookSimulator
    let socialSecurity: SocialSecuritySimulator
    let justice: JusticeSimulator
    let nationalCentre: NationalCentreSimulator
    let vneid: VNeIDSimulator
    let population: PopulationSimulator
    let agencyPort: Int
    /// The gateway's config file (relative paths resolve against ``directory``).
    let configPath: String
    private let inProcess: GatewayRuntime?
    private let clients: [String: HTTPClient]

    /// The in-process gateway (only when the network was made with `inProcess: true`).
    var runtime: GatewayRuntime { inProcess! }

    static let agencies = ["bv-bachmai", "tand-hanoi", "vksndtc", "vneid", "stp-hanoi", "pk-nolookup"]

    /// - Parameter inProcess: Start the gateway in this process; `false` only writes the config (and PKI) for a
    ///   gateway started elsewhere, e.g. the real `interchange serve` binary with ``directory`` as working directory.
    init(inProcess: Bool = true) throws {
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("net-\(UUID().uuidString)")
        pki = directory.appendingPathComponent("pki")
        try FileManager.default.createDirectory(at: pki, withIntermediateDirectories: true)
        _ = try DevelopmentPKI(directory: pki.path, agencyIDs: Self.agencies, tokenNames: ["bhxh"]).generate()
        let serverTLS = TLSConfiguration(
            certificateChainFile: pki.appendingPathComponent("simulator.crt").path,
            privateKeyFile: pki.appendingPathComponent("simulator.key").path,
            clientCAFile: pki.appendingPathComponent("ca.crt").path,
            clientCertificates: .required)
        healthBook = HealthBookSimulator(tls: serverTLS)
        socialSecurity = SocialSecuritySimulator(tls: serverTLS)
        justice = JusticeSimulator(tls: serverTLS)
        nationalCentre = NationalCentreSimulator(tls: serverTLS)
        vneid = VNeIDSimulator(tls: serverTLS)
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures")
        population = PopulationSimulator(
            tls: serverTLS, citizens: try Citizen.load(path: fixtures.appendingPathComponent("population/citizens.json").path))
        for server in [healthBook.server, socialSecurity.server, justice.server, nationalCentre.server, vneid.server,
                       population.server] {
            try server.start()
        }
        agencyPort = try FreePort.find()
        let tls = #""tls": {"ca": "pki/ca.crt", "certificate": "pki/gateway-client.crt", "key": "pki/gateway-client.key"}"#
        let fast = #""timeoutMs": 3000, "retry": {"maxAttempts": 100, "initialBackoffMs": 50, "maxBackoffMs": 300, "maxAgeHours": 1}, "breaker": {"failureThreshold": 1000, "openMs": 100}"#
        func agency(_ id: String, _ kind: String, _ types: String, extra: String = "") -> String {
            #"{"id": "\#(id)", "kind": "\#(kind)", "name": "\#(id)", "auth": {"certificate": "pki/agencies/\#(id).crt"}, "types": [\#(types)]\#(extra)}"#
        }
        let config = """
        {
          "node": "net",
          "listeners": [{"name": "agency", "host": "127.0.0.1", "port": \(agencyPort), "role": "agency",
            "tls": {"certificate": "pki/gateway.crt", "key": "pki/gateway.key", "clientCA": "pki/ca.crt", "clientCertificates": "required"}}],
          "store": "sqlite:\(directory.path)/data/interchange.db",
          "agencies": [
            \(agency("bv-bachmai", "hospital", #""hospital.visit", "hospital.checkin""#, extra: #", "code": "01013", "province": "01", "populationLookup": true"#)),
            \(agency("pk-nolookup", "hospital", #""hospital.visit""#, extra: #", "code": "46001", "province": "46""#)),
            \(agency("tand-hanoi", "court", #""court.verdict""#, extra: #", "province": "01", "populationLookup": true"#)),
            \(agency("vksndtc", "procuracy", #""procuracy.record""#)),
            \(agency("vneid", "vneid", #""vneid.certificate-request""#, extra: #", "populationLookup": true"#)),
            \(agency("stp-hanoi", "justice", #""judicial.certificate""#, extra: #", "province": "01""#))
          ],
          "destinations": [
            {"id": "healthbook", "url": "\(healthBook.baseURL)/v1/visits", "format": "healthbook.visit", \(tls), \(fast)},
            {"id": "bhxh", "url": "\(socialSecurity.baseURL)", "format": "bhxh.portal", \(tls), \(fast),
             "credentials": {"username": "interchange", "passwordFile": "pki/tokens/bhxh.token"}},
            {"id": "ncjr", "url": "\(nationalCentre.baseURL)/v1/records", "format": "judicial.record", \(tls), \(fast)},
            {"id": "vneid", "url": "\(vneid.baseURL)/v1/judicial-certificates", "format": "vneid.certificate", \(tls), \(fast)},
            {"id": "population", "url": "\(population.baseURL)/v1/citizens", "format": "population.lookup", \(tls), "timeoutMs": 2000}
          ],
          "destinationTemplates": [
            {"id": "doj-{province}", "url": "\(justice.baseURL)/doj/{province}/records", "format": "justice.doj",
             "provinces": "all", \(tls), \(fast), "concurrency": 2}
          ],
          "routes": [
            {"type": "hospital.visit", "destinations": ["healthbook"], "when": {"attribute": "citizen", "present": true}, "steps": ["identity-check"]},
            {"type": "hospital.visit", "destinations": ["bhxh"]},
            {"type": "hospital.checkin", "destinations": ["bhxh"]},
            {"type": "court.verdict", "destinations": ["doj-{attr:courtProvince}", "doj-{attr:residenceProvince}", "ncjr"], "steps": ["identity-check"]},
            {"type": "procuracy.record", "destinations": ["ncjr"]},
            {"type": "vneid.certificate-request", "destinations": ["doj-{attr:residenceProvince}"], "steps": ["identity-check"]},
            {"type": "judicial.certificate", "destinations": ["vneid"]}
          ]
        }
        """
        configPath = directory.appendingPathComponent("gateway.json").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        if inProcess {
            let loaded = try GatewayConfig.load(path: configPath, baseDirectory: directory.path)
            let runtime = try GatewayRuntime(config: loaded)
            try runtime.start()
            self.inProcess = runtime
        } else {
            self.inProcess = nil
        }
        var clients: [String: HTTPClient] = [:]
        for id in Self.agencies { clients[id] = HTTPClient(workers: 1) }
        self.clients = clients
    }

    /// An agency's request over mTLS with its own certificate.
    func send(_ path: String, as agency: String, method: String = "POST", body: [UInt8] = [],
              contentType: String = "application/json") async -> (status: Int, body: String) {
        let tls = DestinationTLS(
            caFile: pki.appendingPathComponent("ca.crt").path,
            certificateFile: pki.appendingPathComponent("agencies/\(agency).crt").path,
            keyFile: pki.appendingPathComponent("agencies/\(agency).key").path)
        let request = OutboundRequest(
            url: "https://127.0.0.1:\(agencyPort)\(path)", method: method,
            headers: method == "POST" ? [("Content-Type", contentType)] : [], body: body, timeout: .seconds(20), tls: tls)
        guard let client = clients[agency] else { return (0, "no client for \(agency)") }
        switch await client.send(request) {
        case .success(let response): return (response.status, String(decoding: response.body, as: UTF8.self))
        case .failure(let error): return (0, "\(error)")
        }
    }

    func fixture(_ path: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/\(path)")
        return Array(try Data(contentsOf: url))
    }

    func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    func eventually(timeout: Duration = .seconds(30), _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }

    func shutdown() async {
        await inProcess?.stop()
        for server in [healthBook.server, socialSecurity.server, justice.server, nationalCentre.server, vneid.server,
                       population.server] {
            server.shutdown()
        }
        for client in clients.values { client.shutdown() }
        try? FileManager.default.removeItem(at: directory)
    }
}
