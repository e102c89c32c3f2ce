import HTTP

/// Every simulated agency, each on its own port, started and stopped together: what
/// `interchange simulate` and `interchange demo` run, and what gateway tests deliver to.
///
/// Ports and paths come from the gateway's destination URLs (``SimulatorEndpoint``); an agency the
/// configuration does not name listens on a free port with its default path.
public final class SimulatorSuite: Sendable {
    /// The e-health book.
    public let healthBook: HealthBookSimulator
    /// The BHXH portal.
    public let socialSecurity: SocialSecuritySimulator
    /// The National Centre for Judicial Records.
    public let nationalCentre: NationalCentreSimulator
    /// VNeID.
    public let vneid: VNeIDSimulator
    /// The 63 Departments of Justice.
    public let justice: JusticeSimulator
    /// The population database.
    public let population: PopulationSimulator

    /// Creates the simulators; nothing listens until ``start()``.
    ///
    /// - Parameters:
    ///   - endpoints: Where each agency listens (the first endpoint per agency wins).
    ///   - tls: Server TLS shared by all (e.g. `simulator.crt` requiring a client certificate from `ca.crt`);
    ///     `nil` for plain HTTP.
    ///   - citizens: The population database's people.
    ///   - socialSecurityAccounts: The BHXH portal's accounts; `nil` accepts any user.
    public init(
        endpoints: [SimulatorEndpoint] = [],
        tls: TLSConfiguration? = nil,
        citizens: [Citizen] = [],
        socialSecurityAccounts: [String: String]? = nil
    ) {
        var byAgency: [SimulatedAgency: SimulatorEndpoint] = [:]
        for endpoint in endpoints where byAgency[endpoint.agency] == nil { byAgency[endpoint.agency] = endpoint }
        func port(_ agency: SimulatedAgency) -> Int { byAgency[agency]?.port ?? 0 }
        func path(_ agency: SimulatedAgency, _ fallback: String) -> String {
            guard let path = byAgency[agency]?.path, path != "/" else { return fallback }
            return path
        }
        healthBook = HealthBookSimulator(tls: tls, port: port(.healthBook), path: path(.healthBook, "/v1/visits"))
        socialSecurity = SocialSecuritySimulator(tls: tls, port: port(.socialSecurity), accounts: socialSecurityAccounts)
        nationalCentre = NationalCentreSimulator(
            tls: tls, port: port(.nationalCentre), path: path(.nationalCentre, "/v1/records"))
        vneid = VNeIDSimulator(tls: tls, port: port(.vneid), path: path(.vneid, "/v1/judicial-certificates"))
        let template = path(.justice, "/doj/{province}/records")
        let parts = template.components(separatedBy: "{province}")
        if parts.count == 2 {
            justice = JusticeSimulator(tls: tls, port: port(.justice), pathPrefix: parts[0], pathSuffix: parts[1])
        } else {
            justice = JusticeSimulator(tls: tls, port: port(.justice))
        }
        population = PopulationSimulator(
            tls: tls, port: port(.population), citizens: citizens, basePath: path(.population, "/v1/citizens"))
    }

    /// Every simulator with its agency, in a fixed order.
    public var all: [(agency: SimulatedAgency, server: DestinationSimulator)] {
        [
            (.healthBook, healthBook.server), (.socialSecurity, socialSecurity.server),
            (.nationalCentre, nationalCentre.server), (.vneid, vneid.server), (.justice, justice.server),
            (.population, population.server),
        ]
    }

    /// Starts every simulator; if one cannot start, the ones already started are stopped.
    ///
    /// - Throws: ``SimulatorSuiteError`` naming the agency and its port.
    public func start() throws(SimulatorSuiteError) {
        var started: [DestinationSimulator] = []
        for (agency, server) in all {
            do {
                try server.start()
                started.append(server)
            } catch {
                started.forEach { $0.shutdown() }
                throw SimulatorSuiteError(agency: agency, detail: "\(error)")
            }
        }
    }

    /// Stops every simulator.
    public func shutdown() {
        for (_, server) in all { server.shutdown() }
    }

    /// What listens where, after ``start()``: the agency and the URL it is reached at.
    public var listening: [(agency: SimulatedAgency, url: String)] {
        [
            (.healthBook, healthBook.baseURL + healthBook.path),
            (.socialSecurity, socialSecurity.baseURL + "/api/token/take, /api/qd130/{guiHoSoXmlQD4750,checkInKcbQd4750}"),
            (.nationalCentre, nationalCentre.baseURL + nationalCentre.path),
            (.vneid, vneid.baseURL + vneid.path),
            (.justice, justice.baseURL + justice.pathPrefix + "{province}" + justice.pathSuffix),
            (.population, population.baseURL + population.pathPrefix + "{id}"),
        ]
    }
}
