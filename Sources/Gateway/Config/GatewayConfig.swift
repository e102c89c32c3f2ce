import Foundation
import Messages

/// The gateway's configuration (`config/gateway.json`), decoded into typed values and validated.
/// Every problem is reported with its JSON path, e.g. `agencies[3].auth.certificate: file not found`.
/// See `config/README.md` for every field.
///
/// Relative file paths are resolved against a base directory (by default the process's current
/// directory) and stored absolute.
public struct GatewayConfig: Sendable {
    /// This gateway node's name (`[a-z0-9-]+`); distinguishes nodes sharing a PostgreSQL store.
    public let node: String
    /// Inbound sockets.
    public let listeners: [Listener]
    /// Request limits applied by every listener.
    public let limits: Limits
    /// Where messages and the routing log are kept.
    public let store: StoreLocation
    /// Sending agencies.
    public let agencies: [Agency]
    /// Destinations as configured (without the template expansions; see ``expandedDestinations``).
    public let destinations: [Destination]
    /// Per-province destination templates.
    public let destinationTemplates: [DestinationTemplate]
    /// Routing rules, in config order.
    public let routes: [Route]
    /// Retention periods.
    public let retention: Retention
    /// Operator API users.
    public let operators: [Operator]
    /// Body encryption at rest; nil stores bodies in clear.
    public let encryption: Encryption?
    /// The directory relative paths were resolved against.
    public let baseDirectory: String
    /// ``destinations`` followed by every template's expansions.
    public let expandedDestinations: [Destination]

    private let agencyIndexByID: [String: Int]
    private let agencyIndexByCertificate: [String: Int]
    private let agencyIndexByToken: [String: Int]
    private let operatorIndexByToken: [String: Int]
    private let destinationIndexByID: [String: Int]

    /// The message types the gateway knows (DESIGN.md "Message types"); agencies and routes may name only these.
    /// The destination wire formats this build can encode (``DestinationFactory``).
    public static let knownFormats: Set<String> = [
        "canonical.json", "healthbook.visit", "bhxh.portal", "judicial.record", "justice.doj", "vneid.certificate",
        "population.lookup",
    ]

    /// The message types agencies may be allowed to send and routes may name.
    public static let knownMessageTypes: [MessageType] = [
        "hospital.visit", "hospital.checkin", "court.verdict", "procuracy.record", "vneid.certificate-request",
        "judicial.certificate", "test.note",
    ]

    /// The destination id the `identity-check` step queries.
    public static let populationDestinationID = "population"

    static let keys: Set<String> = [
        "node", "listeners", "limits", "store", "agencies", "destinations", "destinationTemplates", "routes",
        "retention", "operators", "encryption",
    ]

    // MARK: - Loading

    /// Reads, decodes and validates the configuration file at `path`.
    ///
    /// - Parameters:
    ///   - path: The JSON file.
    ///   - baseDirectory: Directory relative paths inside the file are resolved against; the current
    ///     directory when nil.
    ///   - checkFiles: Whether certificate, key and token files must exist (and are read to compute
    ///     fingerprints). `certs init` passes false: it reads the config to create those files.
    /// - Throws: ``ConfigError`` with every problem found.
    public static func load(path: String, baseDirectory: String? = nil, checkFiles: Bool = true) throws(ConfigError)
        -> GatewayConfig
    {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ConfigError(problems: [
                ValidationProblem(field: path, code: exists ? "not_readable" : "not_found", message: exists ? "file not readable" : "file not found")
            ])
        }
        let base = baseDirectory ?? FileManager.default.currentDirectoryPath
        return try parse(data, baseDirectory: base, checkFiles: checkFiles)
    }

    /// Decodes and validates configuration JSON.
    ///
    /// - Parameters:
    ///   - data: The JSON document.
    ///   - baseDirectory: Directory relative paths are resolved against.
    ///   - checkFiles: Whether named files must exist; see ``load(path:baseDirectory:checkFiles:)``.
    /// - Throws: ``ConfigError`` with every problem found.
    public static func parse(_ data: Data, baseDirectory: String, checkFiles: Bool = true) throws(ConfigError)
        -> GatewayConfig
    {
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw ConfigError(problems: [ValidationProblem(field: "(document)", code: "syntax", message: syntaxMessage(data))])
        }
        let problems = ProblemList()
        let files = FileChecker(baseDirectory: baseDirectory, checkFiles: checkFiles, problems: problems)
        guard let r = JSONObjectReader(root, path: "", problems: problems) else { throw ConfigError(problems: problems.items) }
        let config = read(r, files: files)
        guard problems.isEmpty, let config else { throw ConfigError(problems: problems.items) }
        return config
    }

    /// JSONDecoder only says "not valid JSON"; JSONSerialization names the character offset, which
    /// is turned into a line and column here.
    private static func syntaxMessage(_ data: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            guard let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String else {
                return "not valid JSON"
            }
            if let range = detail.range(of: "character "),
                let offset = Int(detail[range.upperBound...].prefix(while: \.isNumber)), offset <= data.count
            {
                let before = data.prefix(offset)
                let line = before.filter { $0 == 0x0a }.count + 1
                let column = offset - (before.lastIndex(of: 0x0a).map { $0 + 1 } ?? 0) + 1
                return "not valid JSON at line \(line), column \(column): \(detail)"
            }
            return "not valid JSON: \(detail)"
        }
        return "not a JSON object"
    }

    private static func read(_ r: JSONObjectReader, files: FileChecker) -> GatewayConfig? {
        r.rejectUnknownKeys(keys)
        let problems = r.problems
        let node = r.string("node")
        if let node { ConfigChecks.checkIdentifier(node, at: r.path("node"), problems) }

        let listenerElements = r.array("listeners") ?? []
        if r.has("listeners") && listenerElements.isEmpty { problems.add(r.path("listeners"), "missing", "at least one listener") }
        let listeners = readEach(listenerElements, problems) { Listener.read($0, files: files) }
        checkUnique(listeners.map { ($0.path, $0.value.name) }, field: "name", what: "listener name", problems)
        checkUnique(listeners.map { ($0.path, String($0.value.port)) }, field: "port", what: "port", problems)

        let limits = r.object("limits", required: false).map(Limits.read) ?? Limits()
        let storeText = r.string("store", required: false) ?? "sqlite:data/interchange.db"
        let store = StoreLocation.read(storeText, at: r.path("store"), files: files)

        let agencies = readEach(r.array("agencies") ?? [], problems) { Agency.read($0, files: files) }
        checkUnique(agencies.map { ($0.path, $0.value.id) }, field: "id", what: "agency id", problems)
        checkSharedCredentials(agencies, problems)

        let destinations = readEach(r.array("destinations", required: false) ?? [], problems) {
            Destination.read($0, files: files)
        }
        let templates = readEach(r.array("destinationTemplates", required: false) ?? [], problems) {
            DestinationTemplate.read($0, files: files)
        }
        var destinationIDs = destinations.map { ($0.path, $0.value.id) }
        for template in templates {
            destinationIDs += template.value.expanded().map { ("\(template.path)", $0.id) }
        }
        checkUnique(destinationIDs, field: "id", what: "destination id", problems)
        checkUnique(templates.map { ($0.path, $0.value.id) }, field: "id", what: "template id", problems)

        let expanded = destinations.map(\.value) + templates.flatMap { $0.value.expanded() }
        let known = Set(expanded.map(\.id))
        let templateIDs = Set(templates.map(\.value.id))
        let routes = readEach(r.array("routes") ?? [], problems) {
            Route.read($0, knownDestinations: known, templates: templateIDs)
        }
        for route in routes where route.value.steps.contains(.identityCheck) && !known.contains(populationDestinationID) {
            problems.add("\(route.path).steps", "unknown_reference", "identity-check needs a destination with id \"\(populationDestinationID)\"")
        }

        let retention = r.object("retention", required: false).map(Retention.read) ?? Retention()
        let operators = readEach(r.array("operators", required: false) ?? [], problems) {
            Operator.read($0, files: files)
        }
        checkUnique(operators.map { ($0.path, $0.value.name) }, field: "name", what: "operator name", problems)
        let encryption = r.object("encryption", required: false).flatMap { Encryption.read($0, files: files) }

        guard let node, let store else { return nil }
        return GatewayConfig(
            node: node, listeners: listeners.map(\.value), limits: limits, store: store, agencies: agencies.map(\.value),
            destinations: destinations.map(\.value), destinationTemplates: templates.map(\.value),
            routes: routes.map(\.value), retention: retention, operators: operators.map(\.value),
            encryption: encryption, baseDirectory: files.baseDirectory
        )
    }

    /// Reads each element that is an object; keeps the element's path for cross-checks.
    private static func readEach<T>(
        _ elements: [(path: String, value: JSONValue)], _ problems: ProblemList, _ body: (JSONObjectReader) -> T?
    ) -> [(path: String, value: T)] {
        elements.compactMap { element in
            guard let r = JSONObjectReader(element.value, path: element.path, problems: problems), let value = body(r)
            else { return nil }
            return (element.path, value)
        }
    }

    /// Reports every value seen before, at `path.field`.
    private static func checkUnique(_ values: [(String, String)], field: String, what: String, _ problems: ProblemList) {
        var seen: [String: String] = [:]
        for (path, value) in values {
            if let first = seen[value] {
                if first != path { problems.add("\(path).\(field)", "duplicate", "duplicate \(what) \"\(value)\" (also at \(first))") }
            } else {
                seen[value] = path
            }
        }
    }

    /// Two agencies with the same certificate or token could not be told apart.
    private static func checkSharedCredentials(_ agencies: [(path: String, value: Agency)], _ problems: ProblemList) {
        var certificates: [String: String] = [:]
        var tokens: [String: String] = [:]
        for (path, agency) in agencies {
            for fingerprint in agency.certificateFingerprints.sorted() {
                if let other = certificates[fingerprint], other != agency.id {
                    problems.add("\(path).auth", "duplicate", "certificate also identifies agency \"\(other)\"")
                }
                certificates[fingerprint] = agency.id
            }
            for token in agency.tokenHashes.sorted() {
                if let other = tokens[token], other != agency.id {
                    problems.add("\(path).auth", "duplicate", "token also identifies agency \"\(other)\"")
                }
                tokens[token] = agency.id
            }
        }
    }

    init(
        node: String, listeners: [Listener], limits: Limits, store: StoreLocation, agencies: [Agency],
        destinations: [Destination], destinationTemplates: [DestinationTemplate], routes: [Route], retention: Retention,
        operators: [Operator], encryption: Encryption? = nil, baseDirectory: String
    ) {
        self.node = node
        self.listeners = listeners
        self.limits = limits
        self.store = store
        self.agencies = agencies
        self.destinations = destinations
        self.destinationTemplates = destinationTemplates
        self.routes = routes
        self.retention = retention
        self.operators = operators
        self.encryption = encryption
        self.baseDirectory = baseDirectory
        self.expandedDestinations = destinations + destinationTemplates.flatMap { $0.expanded() }
        var byID: [String: Int] = [:]
        var byCertificate: [String: Int] = [:]
        var byToken: [String: Int] = [:]
        for (index, agency) in agencies.enumerated() {
            byID[agency.id] = index
            for fingerprint in agency.certificateFingerprints { byCertificate[fingerprint] = index }
            for token in agency.tokenHashes { byToken[token] = index }
        }
        agencyIndexByID = byID
        agencyIndexByCertificate = byCertificate
        agencyIndexByToken = byToken
        var operatorsByToken: [String: Int] = [:]
        for (index, person) in operators.enumerated() {
            for token in person.tokenHashes { operatorsByToken[token] = index }
        }
        operatorIndexByToken = operatorsByToken
        var destinationsByID: [String: Int] = [:]
        for (index, destination) in expandedDestinations.enumerated() { destinationsByID[destination.id] = index }
        destinationIndexByID = destinationsByID
    }

    // MARK: - Look-ups

    /// The agency with `id`.
    public func agency(id: String) -> Agency? { agencyIndexByID[id].map { agencies[$0] } }

    /// The agency a client certificate identifies; `sha256` is the DER's SHA-256 in hex (any case,
    /// colons allowed).
    public func agency(forCertificateSHA256 sha256: String) -> Agency? {
        guard let key = ConfigChecks.normalizedSHA256(sha256) else { return nil }
        return agencyIndexByCertificate[key].map { agencies[$0] }
    }

    /// The agency a bearer token identifies; `sha256` is ``TokenFile/hash(ofToken:)`` of the token.
    public func agency(forTokenSHA256 sha256: String) -> Agency? {
        guard let key = ConfigChecks.normalizedSHA256(sha256) else { return nil }
        return agencyIndexByToken[key].map { agencies[$0] }
    }

    /// The operator a bearer token identifies; `sha256` is ``TokenFile/hash(ofToken:)`` of the token.
    public func `operator`(forTokenSHA256 sha256: String) -> Operator? {
        guard let key = ConfigChecks.normalizedSHA256(sha256) else { return nil }
        return operatorIndexByToken[key].map { operators[$0] }
    }

    /// A configured or expanded destination by id.
    public func destination(id: String) -> Destination? {
        destinationIndexByID[id].map { expandedDestinations[$0] }
    }

    /// The rules for messages of `type`, in config order.
    public func routes(for type: MessageType) -> [Route] { routes.filter { $0.type == type } }
}
