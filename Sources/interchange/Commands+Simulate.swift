import Foundation
import Gateway
import HTTP
import Simulators

/// `simulate`, and the simulator set-up `demo` shares.
extension CLI {
    /// The population fixture used when `--population` is not given.
    static let defaultPopulation = "Fixtures/population/citizens.json"

    /// `interchange simulate [--config PATH] [--population FILE]`: serves every destination's side until SIGINT.
    static func simulate(_ arguments: ParsedArguments) -> Int32 {
        guard let config = loadConfig(arguments, checkFiles: false) else { return failure }
        guard let citizens = loadCitizens(arguments.value("--population")) else { return failure }
        let suite: SimulatorSuite
        do {
            suite = try simulatorSuite(config: config, citizens: citizens)
            try suite.start()
        } catch {
            printErr("interchange simulate: \(error)\n")
            return failure
        }
        printOut("simulated agencies listening:\n")
        printSimulators(suite, citizens: citizens.count)
        printOut("control: POST <simulator>/_control/fail?status=503&count=N, /_control/mode?m=hang, "
            + "/_control/reset; GET /_control/received. Ctrl-C stops.\n")
        waitForTermination()
        suite.shutdown()
        return ok
    }

    /// Reads the population fixture; the default file may be absent (an empty database then).
    static func loadCitizens(_ path: String?) -> [Citizen]? {
        let file = path ?? defaultPopulation
        if path == nil && !FileManager.default.fileExists(atPath: file) {
            printErr("note: \(file) not found: the population database is empty\n")
            return []
        }
        do {
            return try Citizen.load(path: file)
        } catch {
            printErr("population: \(error)\n")
            return nil
        }
    }

    /// The simulators on the ports and paths the configuration's destinations name.
    ///
    /// HTTPS destinations get TLS with `simulator.crt`/`.key` from the directory of the destinations' CA
    /// file (the development PKI), and a client certificate chaining to that CA is required when the
    /// destinations present one.
    static func simulatorSuite(config: GatewayConfig, citizens: [Citizen]) throws(SimulatorSetupError) -> SimulatorSuite {
        let destinations = config.destinations + config.destinationTemplates.map(\.prototype)
        var endpoints: [SimulatorEndpoint] = []
        for destination in destinations {
            if let endpoint = SimulatorEndpoint(url: destination.url, format: destination.format) {
                endpoints.append(endpoint)
            }
        }
        var tls: TLSConfiguration?
        if let secured = destinations.first(where: { $0.url.hasPrefix("https://") && SimulatedAgency(format: $0.format) != nil }) {
            guard let ca = secured.tls?.ca else {
                throw SimulatorSetupError("destination \(secured.id): an https destination needs tls.ca (the development CA)")
            }
            let directory = (ca as NSString).deletingLastPathComponent
            let certificate = (directory as NSString).appendingPathComponent("simulator.crt")
            let key = (directory as NSString).appendingPathComponent("simulator.key")
            for file in [ca, certificate, key] where !FileManager.default.fileExists(atPath: file) {
                throw SimulatorSetupError("\(file) not found: run 'interchange certs init \(relativePath(directory))' first")
            }
            let mutual = secured.tls?.certificate != nil
            tls = TLSConfiguration(
                certificateChainFile: certificate, privateKeyFile: key, clientCAFile: mutual ? ca : nil,
                clientCertificates: mutual ? .required : .none)
        }
        return SimulatorSuite(endpoints: endpoints, tls: tls, citizens: citizens)
    }

    /// Prints what listens where.
    static func printSimulators(_ suite: SimulatorSuite, citizens: Int) {
        let width = SimulatedAgency.allCases.map(\.displayName.count).max() ?? 0
        for (agency, url) in suite.listening {
            let name = agency.displayName.padding(toLength: width, withPad: " ", startingAt: 0)
            let extra = agency == .population ? "  (\(citizens) citizens)" : ""
            printOut("  \(name)  \(url)\(extra)\n")
        }
    }

    /// `path` relative to the current directory when it lies below it.
    static func relativePath(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let prefix = cwd.hasSuffix("/") ? cwd : cwd + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
