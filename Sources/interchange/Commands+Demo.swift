import Foundation
import Gateway
import Simulators
import Store

/// `demo`.
extension CLI {
    /// `interchange demo [--config PATH] [--no-traffic]`: the simulated agencies and the gateway in one
    /// process, fixture traffic through the public HTTPS interface, a summary, then serving until SIGINT.
    static func demo(_ arguments: ParsedArguments) -> Int32 {
        guard let config = loadConfig(arguments) else {
            printErr("hint: 'interchange certs init pki' creates the development PKI the demo configuration names\n")
            return failure
        }
        guard let citizens = loadCitizens(nil) else { return failure }
        let suite: SimulatorSuite
        do {
            suite = try simulatorSuite(config: config, citizens: citizens)
            try suite.start()
        } catch {
            printErr("interchange demo: \(error)\n")
            return failure
        }
        let runtime: GatewayRuntime
        do {
            runtime = try GatewayRuntime(config: config)
            try runtime.start()
        } catch {
            suite.shutdown()
            printErr("interchange demo: \(error)\n")
            return failure
        }
        printOut("== Interchange demo: gateway and simulated agencies on loopback ==\n")
        printOut("simulated agencies:\n")
        printSimulators(suite, citizens: citizens.count)
        let store: String
        switch config.store {
        case .sqlite(let path): store = "sqlite:" + relativePath(path)
        case .postgres: store = "postgres"
        }
        printOut("gateway (node \(config.node), store \(store)):\n")
        for listener in config.listeners {
            let port = runtime.ports[listener.name] ?? listener.port
            let scheme = listener.tls == nil ? "http" : "https"
            printOut("  \(listener.name) (\(listener.role.rawValue))  \(scheme)://\(listener.host):\(port)\n")
        }
        var example: String?
        if !arguments.flag("--no-traffic") {
            if let listener = DemoTraffic.agencyListener(config) {
                let traffic = DemoTraffic(baseURL: listener.url, caFile: listener.ca, fixtures: fixturesDirectory(config),
                                          config: config)
                let results = Blocking.run { await traffic.run(traffic.plan()) }
                printTraffic(results)
                example = results.lazy.compactMap { $0.1.firstId }.first
                Blocking.run { await settle(runtime.store) }
                Blocking.run { await printDeliveries(runtime.store) }
                Blocking.run { await printLog(runtime.store) }
            } else {
                printOut("no TLS agency listener in the configuration: no traffic sent\n")
            }
        }
        printWhereToLook(config, suite: suite, exampleId: example)
        waitForTermination()
        printOut("stopping: finishing deliveries in flight\n")
        runBlocking { await runtime.stop() }
        suite.shutdown()
        return ok
    }

    /// `Fixtures/` in the current directory, else next to the configuration's directory.
    private static func fixturesDirectory(_ config: GatewayConfig) -> String {
        let local = (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent("Fixtures")
        if FileManager.default.fileExists(atPath: local) { return local }
        return ((config.baseDirectory as NSString).appendingPathComponent("..") as NSString).appendingPathComponent("Fixtures")
    }

    private static func printTraffic(_ results: [(DemoRequest, DemoRequest.Result)]) {
        var rows: [[String]] = [["FIXTURE", "AS", "HTTP", "ACCEPTED", "DUPLICATES", "REJECTED", "NOTE"]]
        for (request, result) in results {
            rows.append([
                request.label, request.agency, result.status == 0 ? "-" : String(result.status), String(result.accepted),
                String(result.duplicates), String(result.rejected), result.note,
            ])
        }
        let totals = results.reduce(into: (0, 0, 0)) { $0.0 += $1.1.accepted; $0.1 += $1.1.duplicates; $0.2 += $1.1.rejected }
        rows.append(["total", "", "", String(totals.0), String(totals.1), String(totals.2), ""])
        printOut("\nfixture traffic (through the agency HTTPS interface, mTLS with each agency's certificate):\n")
        printOut(columns(rows, indent: "  "))
        if totals.0 == 0 && totals.1 > 0 {
            printOut("  (everything was a duplicate: the store already holds these messages from an earlier run)\n")
        }
    }

    /// Waits until no destination has rows pending or in flight, or 20 s pass.
    private static func settle(_ store: any MessageStore) async {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let busy = ((try? await store.outboxStats()) ?? []).reduce(0) { $0 + $1.pending + $1.inflight }
            if busy == 0 { return }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    private static func printDeliveries(_ store: any MessageStore) async {
        let stats = ((try? await store.outboxStats()) ?? []).filter { $0.pending + $0.inflight + $0.held + $0.delivered + $0.dead > 0 }
        var rows: [[String]] = [["DESTINATION", "DELIVERED", "PENDING", "HELD", "DEAD-LETTERED"]]
        for stat in stats.sorted(by: { $0.destination < $1.destination }) {
            rows.append([stat.destination, String(stat.delivered), String(stat.pending + stat.inflight), String(stat.held),
                         String(stat.dead)])
        }
        printOut("\ndeliveries per destination:\n")
        printOut(stats.isEmpty ? "  none yet\n" : columns(rows, indent: "  "))
    }

    private static func printLog(_ store: any MessageStore) async {
        let entries = ((try? await store.searchLog(LogFilter(), after: nil, limit: 20))?.entries ?? []).reversed()
        let time = DateFormatter()
        time.dateFormat = "HH:mm:ss.SSS"
        printOut("\nrouting log, last \(entries.count) entries (interchange log shows more):\n")
        for entry in entries {
            let id = entry.messageId?.rawValue ?? "-"
            let route = [entry.sender, entry.destination.map { "→ \($0)" }].compactMap { $0 }.joined(separator: " ")
            // Details are masked when written; masking again costs nothing and keeps the console safe regardless.
            let masked = PersonalDataMask.json(entry.detail)
            let detail = masked == "{}" ? "" : masked.count > 70 ? String(masked.prefix(69)) + "…" : masked
            let event = entry.event.padding(toLength: 14, withPad: " ", startingAt: 0)
            printOut("  \(time.string(from: entry.at))  \(event) \(id)  \(entry.type ?? "-")  \(route)  \(detail)\n")
        }
    }

    private static func printWhereToLook(_ config: GatewayConfig, suite: SimulatorSuite, exampleId: String?) {
        printOut("\nwhere to look:\n")
        let listener = DemoTraffic.agencyListener(config)
        if let listener {
            printOut("  agency API    \(listener.url)   (mTLS; agency certificates in \(relativePath(dirname(listener.ca)))/agencies/)\n")
        }
        if let op = config.listeners.first(where: { $0.role == .operator }) {
            let url = "\(op.tls == nil ? "http" : "https")://\(op.host):\(op.port)"
            printOut("  operator API  \(url)   console \(url)/console/\n")
            for person in config.operators {
                if let file = person.tokenFile {
                    printOut("                \(person.name) (\(person.role.rawValue)): Authorization: Bearer $(cat \(relativePath(file)))\n")
                }
            }
        }
        guard let listener else { return }
        let ca = relativePath(listener.ca)
        if let hospital = config.agencies.first(where: { $0.kind == .hospital }), let certificate = hospital.auth.certificate {
            let crt = relativePath(certificate)
            let key = (crt as NSString).deletingPathExtension + ".key"
            let auth = "--cacert \(ca) --cert \(crt) --key \(key)"
            printOut("  try:\n")
            printOut("    curl \(auth) -H 'Content-Type: application/json' \\\n"
                + "         --data-binary @Fixtures/hospital/visit-single.json \(listener.url)/v1/hospital/visits\n")
            printOut("    curl \(auth) \(listener.url)/v1/messages/\(exampleId ?? "<id>")\n")
        }
        if let op = config.listeners.first(where: { $0.role == .operator }), let token = config.operators.first?.tokenFile {
            let scheme = op.tls == nil ? "http" : "https"
            printOut("    curl --cacert \(ca) -H \"Authorization: Bearer $(cat \(relativePath(token)))\" "
                + "'\(scheme)://\(op.host):\(op.port)/v1/log?limit=20'\n")
        }
        if let client = config.destinations.first(where: { $0.tls?.certificate != nil })?.tls,
            let crt = client.certificate, let key = client.key
        {
            let auth = "--cacert \(ca) --cert \(relativePath(crt)) --key \(relativePath(key))"
            printOut("    curl \(auth) \(suite.healthBook.baseURL)/_control/received\n")
            printOut("    curl \(auth) -X POST '\(suite.justice.baseURL)/_control/fail?province=46&status=503'\n")
            printOut("    curl \(auth) -X POST '\(suite.population.baseURL)/_control/mode?m=hang'\n")
        }
        printOut("Ctrl-C stops the gateway and the simulators.\n")
    }

    private static func dirname(_ path: String) -> String { (path as NSString).deletingLastPathComponent }

    private static func columns(_ rows: [[String]], indent: String) -> String {
        guard let count = rows.first?.count else { return "" }
        let widths = (0..<count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            indent + row.enumerated().map { column, cell in
                column == count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }
}
