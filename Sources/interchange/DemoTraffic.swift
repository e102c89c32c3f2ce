import Delivery
import Foundation
import Gateway

/// The demo's fixture traffic: which files go where as whom, sent through the gateway's public HTTPS
/// interface with each agency's client certificate, and how the receipts read.
struct DemoTraffic: Sendable {
    /// The gateway's agency-facing base URL, e.g. `https://127.0.0.1:8443`.
    let baseURL: String
    /// The CA that signed the gateway's server certificate.
    let caFile: String
    /// The `Fixtures/` directory.
    let fixtures: String
    let config: GatewayConfig

    /// The agency-facing TLS listener's URL and the CA to trust, if the configuration has one.
    static func agencyListener(_ config: GatewayConfig) -> (url: String, ca: String)? {
        guard let listener = config.listeners.first(where: { $0.role == .agency && $0.tls != nil }), let tls = listener.tls
        else { return nil }
        let ca = tls.clientCA ?? ((tls.certificate as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("ca.crt")
        return ("https://\(listener.host):\(listener.port)", ca)
    }

    /// What to send: hospital visits (valid, a repeat, invalid, the 20-record envelope, a check-in),
    /// then the justice fixtures of any other agency kind whose folder exists.
    func plan() -> [DemoRequest] {
        var requests: [DemoRequest] = []
        if let hospital = agency(kind: .hospital, code: "01013") ?? agency(kind: .hospital, code: nil) {
            let visits = "/v1/hospital/visits"
            func add(_ file: String, _ label: String? = nil, path: String = visits, type: String = "application/json") {
                requests.append(DemoRequest(label: label ?? file, file: "hospital/\(file)", path: path, contentType: type,
                                            agency: hospital.id))
            }
            add("visit-many-problems.json")
            add("visits-invalid-rules.json")
            add("visit-single.json")
            add("visit-single.json", "visit-single.json (again)")
            add("visits-array5.json")
            add("envelope-20.xml", type: "application/xml")
            add("checkin-valid.xml", path: "/v1/hospital/checkins", type: "application/xml")
        }
        let others: [(folder: String, kind: GatewayConfig.Agency.Kind, path: String)] = [
            ("court", .court, "/v1/courts/verdicts"),
            ("procuracy", .procuracy, "/v1/procuracy/records"),
            ("vneid", .vneid, "/v1/vneid/certificate-requests"),
            ("judicial", .justice, "/v1/judicial/certificates"),
        ]
        for other in others {
            guard let sender = agency(kind: other.kind, code: nil) else { continue }
            let folder = (fixtures as NSString).appendingPathComponent(other.folder)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            let valid = names.filter { $0.hasPrefix("valid-") && $0.hasSuffix(".json") }
            let invalid = names.filter { $0.hasPrefix("invalid-") && $0.hasSuffix(".json") }.prefix(1)
            for name in valid + invalid {
                requests.append(DemoRequest(label: "\(other.folder)/\(name)", file: "\(other.folder)/\(name)",
                                            path: other.path, contentType: "application/json", agency: sender.id))
            }
        }
        return requests
    }

    /// Sends the plan in order; once a path answers 404 (not served by this build) its other files are skipped.
    func run(_ plan: [DemoRequest]) async -> [(DemoRequest, DemoRequest.Result)] {
        let client = HTTPClient(workers: 1)
        defer { client.shutdown() }
        var results: [(DemoRequest, DemoRequest.Result)] = []
        var unserved: Set<String> = []
        for request in plan {
            if unserved.contains(request.path) { continue }
            let result = await send(request, client: client)
            if result.status == 404 { unserved.insert(request.path) }
            results.append((request, result))
        }
        return results
    }

    /// The agency's client certificate and key (`<id>.crt` → `<id>.key`).
    func clientTLS(_ agencyID: String) -> DestinationTLS? {
        guard let certificate = config.agencies.first(where: { $0.id == agencyID })?.auth.certificate else { return nil }
        let key = (certificate as NSString).deletingPathExtension + ".key"
        return DestinationTLS(caFile: caFile, certificateFile: certificate, keyFile: key)
    }

    private func agency(kind: GatewayConfig.Agency.Kind, code: String?) -> GatewayConfig.Agency? {
        config.agencies.first { $0.kind == kind && $0.auth.certificate != nil && (code == nil || $0.code == code) }
    }

    private func send(_ request: DemoRequest, client: HTTPClient) async -> DemoRequest.Result {
        let path = (fixtures as NSString).appendingPathComponent(request.file)
        guard let body = FileManager.default.contents(atPath: path) else {
            return DemoRequest.Result(status: 0, note: "fixture missing: \(path)")
        }
        let outbound = OutboundRequest(
            url: baseURL + request.path, headers: [("Content-Type", request.contentType), ("X-Correlation-Id", "demo")],
            body: Array(body), timeout: .seconds(30), tls: clientTLS(request.agency))
        switch await client.send(outbound) {
        case .failure(let error):
            return DemoRequest.Result(status: 0, note: "\(error)")
        case .success(let response):
            return Self.read(status: response.status, body: response.body)
        }
    }

    /// Reads a receipt: single (`202`, or `200` with `duplicate`), batch (`accepted`/`duplicates`/`rejected`),
    /// or a problem (everything in it rejected).
    static func read(status: Int, body: [UInt8]) -> DemoRequest.Result {
        let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        var result = DemoRequest.Result(status: status)
        func int(_ key: String) -> Int { (json[key] as? NSNumber)?.intValue ?? 0 }
        if let accepted = json["accepted"] as? NSNumber {
            result.accepted = accepted.intValue
            result.duplicates = int("duplicates")
            result.rejected = int("rejected")
            let items = json["items"] as? [[String: Any]] ?? []
            result.firstId = items.lazy.compactMap { $0["id"] as? String }.first
            let conflicts = items.filter { $0["status"] as? String == "conflict" }.count
            if conflicts > 0 {
                result.note = "\(conflicts) conflict\(conflicts == 1 ? "" : "s"): key already used with other content"
            }
        } else if status == 200 || status == 202 {
            let duplicate = json["duplicate"] as? Bool ?? false
            result.accepted = duplicate ? 0 : 1
            result.duplicates = duplicate ? 1 : 0
            result.firstId = json["id"] as? String
        } else {
            result.rejected = 1
            result.note = (json["title"] as? String) ?? ""
            let problems = (json["problems"] as? [Any])?.count ?? 0
            if problems > 0 { result.note += " (\(problems) problem\(problems == 1 ? "" : "s"))" }
            if status == 404 { result.note = "not served by this build" }
        }
        return result
    }
}
