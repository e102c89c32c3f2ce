import Delivery
import Foundation
import Gateway
import Glibc
import Messages
import Synchronization

/// `push`: message files sent through the public agency interface, as an agency would.
extension CLI {
    /// The `--type` names and the message types they stand for.
    static let pushTypes: [(name: String, type: MessageType)] = [
        ("visits", "hospital.visit"),
        ("checkins", "hospital.checkin"),
        ("verdicts", "court.verdict"),
        ("records", "procuracy.record"),
        ("certificate-requests", "vneid.certificate-request"),
        ("certificates", "judicial.certificate"),
    ]

    /// What each agency kind sends when `--type` is not given (and the agency may send it).
    private static let kindDefaults: [GatewayConfig.Agency.Kind: MessageType] = [
        .hospital: "hospital.visit", .court: "court.verdict", .procuracy: "procuracy.record",
        .vneid: "vneid.certificate-request", .justice: "judicial.certificate",
    ]

    /// How one file fared.
    struct PushOutcome: Sendable {
        enum Kind: String, Sendable { case accepted, duplicate, batch, rejected, error }
        var file: String
        var kind: Kind
        var accepted = 0
        var duplicates = 0
        var rejected = 0
        var detail: String
    }

    /// `interchange push FILE... --as AGENCY [--config PATH] [--url URL] [--type TYPE] [--concurrency N]`.
    static func push(_ arguments: ParsedArguments) -> Int32 {
        let spec = tree.children.first { $0.spec.path.last == "push" }?.spec ?? tree.spec
        func usageFailure(_ text: String) -> Int32 { usageError(UsageError(text, command: spec.commandLine), spec: spec) }
        let files = arguments.positionals
        guard !files.isEmpty else { return usageFailure("give at least one FILE") }
        let concurrency = Int(arguments.value("--concurrency") ?? "8") ?? 0
        guard (1...256).contains(concurrency) else { return usageFailure("--concurrency: an integer from 1 to 256") }
        guard let agencyID = arguments.value("--as") else { return usageFailure("--as AGENCY is required") }
        // Only this agency's files matter here; others' certificates may not exist on this machine.
        guard let config = loadConfig(arguments, checkFiles: false) else { return failure }
        guard let agency = config.agencies.first(where: { $0.id == agencyID }) else {
            return usageFailure("no agency '\(agencyID)' in the configuration (known: "
                + config.agencies.map(\.id).joined(separator: ", ") + ")")
        }

        let type: MessageType
        if let name = arguments.value("--type") {
            guard let known = pushTypes.first(where: { $0.name == name }) else {
                return usageFailure("--type: '\(name)' is none of " + pushTypes.map(\.name).joined(separator: ", "))
            }
            type = known.type
        } else if let preferred = kindDefaults[agency.kind], agency.maySend(preferred) {
            type = preferred
        } else if let first = agency.types.first(where: { GatewayRuntime.ingestPath(for: $0) != nil }) {
            type = first
        } else {
            return usageFailure("cannot guess what \(agency.id) sends: give --type")
        }
        guard let path = GatewayRuntime.ingestPath(for: type) else {
            return usageFailure("no endpoint takes \(type) messages")
        }

        let listener = config.listeners.first { $0.role == .agency }
        let base: String
        if let url = arguments.value("--url") {
            base = url.hasSuffix("/") ? String(url.dropLast()) : url
        } else if let listener {
            var host = listener.host
            if host == "0.0.0.0" || host == "localhost" { host = "127.0.0.1" }
            if host == "::" { host = "::1" }
            if host.contains(":") { host = "[\(host)]" }
            base = "\(listener.tls == nil ? "http" : "https")://\(host):\(listener.port)"
        } else {
            printErr("interchange push: the configuration has no agency listener; give --url\n")
            return failure
        }

        var headers: [(String, String)] = []
        if let tokenFile = agency.auth.tokenFile {
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                printErr("interchange push: cannot read \(tokenFile)\n")
                return failure
            }
            headers.append(("Authorization", "Bearer " + text.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        var tls: DestinationTLS?
        if base.hasPrefix("https://") {
            var settings = DestinationTLS(caFile: pushCA(agency: agency, listener: listener))
            if let certificate = agency.auth.certificate {
                let key = (certificate as NSString).deletingPathExtension + ".key"
                for file in [certificate, key] where !FileManager.default.isReadableFile(atPath: file) {
                    printErr("interchange push: cannot read \(file) (run 'interchange certs init pki')\n")
                    return failure
                }
                settings.certificateFile = certificate
                settings.keyFile = key
            }
            tls = settings
        }
        guard !headers.isEmpty || tls?.certificateFile != nil else {
            printErr("interchange push: \(agency.id) has neither a token file nor (over TLS) a certificate\n")
            return failure
        }

        let url = base + path
        let (sendHeaders, sendTLS) = (headers, tls)
        let showProgress = isatty(2) == 1
        let total = files.count
        let outcomes: [PushOutcome]
        do {
            outcomes = try blocking {
                await sendFiles(files, url: url, headers: sendHeaders, tls: sendTLS, concurrency: concurrency) { done, tally in
                    if showProgress { printErr(progressLine(done: done, total: total, tally: tally)) }
                }
            }
        } catch {
            printErr("interchange push: \(error)\n")
            return failure
        }
        if showProgress { printErr("\r\u{1B}[K") }
        printOut(pushSummary(outcomes, url: url))
        let failed = outcomes.contains { $0.kind == .rejected || $0.kind == .error || $0.rejected > 0 }
        return failed ? failure : ok
    }

    /// The CA that signed the gateway's certificate: `ca.crt` of the development PKI the agency's certificate
    /// comes from (`pki/agencies/x.crt` → `pki/ca.crt`), else the listener's client CA (the same CA in a dev setup).
    private static func pushCA(agency: GatewayConfig.Agency, listener: GatewayConfig.Listener?) -> String? {
        if let certificate = agency.auth.certificate {
            let pki = ((certificate as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
            let candidate = pki + "/ca.crt"
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        return listener?.tls?.clientCA
    }

    private static func sendFiles(
        _ files: [String], url: String, headers: [(String, String)], tls: DestinationTLS?, concurrency: Int,
        progress: @escaping @Sendable (Int, (accepted: Int, failed: Int)) -> Void
    ) async -> [PushOutcome] {
        HTTPClient.globalInit()
        // Batch receipts list every item: allow them more room than a destination's answer.
        let client = HTTPClient(workers: 1, maxConnectionsPerHost: concurrency, maxResponseBody: 32 << 20)
        defer { client.shutdown() }
        var results = [PushOutcome?](repeating: nil, count: files.count)
        var done = 0
        var tally = (accepted: 0, failed: 0)
        await withTaskGroup(of: (Int, PushOutcome).self) { group in
            var next = 0
            func launch() {
                let index = next
                next += 1
                group.addTask { (index, await pushOne(files[index], url: url, headers: headers, tls: tls, client: client)) }
            }
            while next < min(concurrency, files.count) { launch() }
            for await (index, outcome) in group {
                results[index] = outcome
                done += 1
                tally.accepted += outcome.accepted + outcome.duplicates
                if outcome.kind == .rejected || outcome.kind == .error || outcome.rejected > 0 { tally.failed += 1 }
                progress(done, tally)
                if next < files.count { launch() }
            }
        }
        return results.enumerated().map { index, outcome in
            outcome ?? PushOutcome(file: files[index], kind: .error, detail: "not sent")
        }
    }

    private static func pushOne(_ file: String, url: String, headers: [(String, String)], tls: DestinationTLS?,
                                client: HTTPClient) async -> PushOutcome {
        let contentType: String
        switch (file as NSString).pathExtension.lowercased() {
        case "json": contentType = "application/json"
        case "xml": contentType = "application/xml"
        default: return PushOutcome(file: file, kind: .error, detail: "unknown extension: expected .json or .xml")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            return PushOutcome(file: file, kind: .error, detail: "cannot read the file")
        }
        let request = OutboundRequest(url: url, method: "POST", headers: headers + [("Content-Type", contentType)],
                                      body: Array(data), timeout: .seconds(60), tls: tls)
        switch await client.send(request) {
        case .failure(let error):
            return PushOutcome(file: file, kind: .error, detail: "\(error)")
        case .success(let response):
            return classify(file, status: response.status, body: response.body)
        }
    }

    /// Reads a receipt (202 / 200 single, 200 batch) or a problem document.
    static func classify(_ file: String, status: Int, body: [UInt8]) -> PushOutcome {
        let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        switch status {
        case 200, 202:
            if json["items"] != nil {
                var outcome = PushOutcome(file: file, kind: .batch, detail: "")
                outcome.accepted = json["accepted"] as? Int ?? 0
                outcome.duplicates = json["duplicates"] as? Int ?? 0
                outcome.rejected = json["rejected"] as? Int ?? 0
                outcome.detail = "\(outcome.accepted) accepted, \(outcome.duplicates) duplicates, \(outcome.rejected) rejected"
                return outcome
            }
            let id = json["id"] as? String ?? "?"
            if json["duplicate"] as? Bool == true {
                return PushOutcome(file: file, kind: .duplicate, duplicates: 1, detail: "original \(id)")
            }
            return PushOutcome(file: file, kind: .accepted, accepted: 1, detail: id)
        default:
            var detail = "\(status) " + (json["title"] as? String ?? "HTTP error")
            if let more = json["detail"] as? String { detail += ": " + more }
            if let problems = json["problems"] as? [[String: Any]], !problems.isEmpty {
                detail += " (" + problems.prefix(3).map { "\($0["field"] ?? "?"): \($0["message"] ?? "")" }
                    .joined(separator: "; ") + (problems.count > 3 ? "; …" : "") + ")"
            }
            let kind: PushOutcome.Kind = (400..<500).contains(status) ? .rejected : .error
            return PushOutcome(file: file, kind: kind, rejected: kind == .rejected ? 1 : 0, detail: detail)
        }
    }

    private static func progressLine(done: Int, total: Int, tally: (accepted: Int, failed: Int)) -> String {
        let width = 30
        let filled = total == 0 ? width : done * width / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        return "\r[\(bar)] \(done)/\(total) files  \(tally.accepted) ok  \(tally.failed) failed"
    }

    private static func pushSummary(_ outcomes: [PushOutcome], url: String) -> String {
        var rows = [["FILE", "STATUS", "DETAIL"]]
        for outcome in outcomes { rows.append([outcome.file, outcome.kind.rawValue, short(outcome.detail, 160)]) }
        let accepted = outcomes.reduce(0) { $0 + $1.accepted }
        let duplicates = outcomes.reduce(0) { $0 + $1.duplicates }
        let rejected = outcomes.reduce(0) { $0 + $1.rejected }
        let errors = outcomes.filter { $0.kind == .error }.count
        return textTable(rows)
            + "pushed \(outcomes.count) file\(outcomes.count == 1 ? "" : "s") to \(url): "
            + "accepted \(accepted), duplicates \(duplicates), rejected \(rejected), errors \(errors)\n"
    }
}
