import Agencies
import Delivery
import Foundation
import HTTP
import HTTPCore
import Messages
import Store
import Synchronization

/// One running gateway node: the store, the listeners with the ingest pipeline, and the deliverer.
public final class GatewayRuntime: Sendable {
    /// The configuration it runs.
    public let config: GatewayConfig
    /// The store it commits to.
    public let store: any MessageStore
    /// Counters and histograms the pipeline updates and `GET /metrics` serves.
    public let metrics: Metrics
    private let client: HTTPClient
    private let deliverer: Deliverer
    private let population: PopulationDirectory?
    private let servers: [(name: String, server: HTTPServer)]
    private let backPressure: BackPressure
    /// Prunes old bodies, messages and log entries in the background (``GatewayConfig/retention``).
    public let retention: RetentionJob
    /// The descriptor limit and the connection cap per listener derived from it (see ``DescriptorBudget``).
    public let descriptorBudget: DescriptorBudget
    private let stopped = Mutex(false)

    /// Opens the store and builds every part; nothing listens until ``start()``.
    ///
    /// - Parameters:
    ///   - config: What to run.
    ///   - retentionSchedule: How often retention runs and on which clock (tests shorten and age it).
    /// - Throws: ``StartupError`` naming what could not be set up (store, a TLS file, a port).
    public init(
        config: GatewayConfig,
        retentionSchedule: RetentionJob.Schedule = RetentionJob.Schedule()
    ) throws(StartupError) {
        self.config = config
        let store: any MessageStore
        switch config.store {
        case .sqlite(let path):
            do {
                try FileManager.default.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            } catch {
                throw StartupError("store: cannot create the directory of \(path): \(error)")
            }
            do {
                // A short busy timeout: a request waiting on a lock held by another process answers 503
                // within seconds instead of hanging until the sender gives up.
                store = try SQLiteStore(path: path, node: config.node, options: SQLiteStore.Options(busyTimeout: .seconds(2)))
            } catch {
                throw StartupError("store: \(error)")
            }
        case .postgres(let url):
            do {
                store = try PostgresStore(url: url, node: config.node)
            } catch {
                // StoreError messages carry the URL with its password masked.
                throw StartupError("store: \(error)")
            }
        }
        self.store = store
        var cipher: BodyCipher?
        if let encryption = config.encryption {
            do {
                cipher = try BodyCipher(configuration: encryption)
            } catch {
                store.close()
                throw error
            }
        }
        let metrics = Metrics()
        self.metrics = metrics
        retention = RetentionJob(store: store, retention: config.retention, schedule: retentionSchedule, metrics: metrics)
        HTTPClient.globalInit()
        let client = HTTPClient(workers: 1)
        self.client = client
        let population = config.expandedDestinations.first { $0.format == "population.lookup" }
            .map { PopulationDirectory(destination: $0, client: client) }
        self.population = population
        let router = MessageRouter(routes: config.routes, knownDestinations: Set(config.expandedDestinations.map(\.id)))
        let factory = DestinationFactory(
            client: client, router: router,
            identity: population.map { IdentityCheck(directory: $0, store: store) })
        // The population database is asked synchronously by the identity check, not fed from an outbox.
        let built = config.expandedDestinations.filter { $0.format != "population.lookup" }.map(factory.make)
        var references: [String: @Sendable ([UInt8]) -> DeliveryReference?] = [:]
        for item in built { if let reference = item.reference { references[item.destination.id] = reference } }
        let deliverer = Deliverer(
            source: StoreOutboxSource(store: store, references: references, metrics: metrics, cipher: cipher),
            client: client,
            destinations: built.map(\.destination),
            pollInterval: .milliseconds(500)
        )
        self.deliverer = deliverer
        let probe = ReadinessProbe(store: store, config: config)
        let readiness: @Sendable () async -> (ready: Bool, detail: [String: String]) = { await probe.check() }
        let ingest = IngestService(
            config: config,
            store: store,
            endpoints: Self.endpoints,
            population: population,
            readiness: readiness,
            onAdmitted: { destinations in for id in destinations { deliverer.wake(destination: id) } },
            metrics: metrics,
            cipher: cipher
        )
        self.backPressure = ingest.backPressure
        let sqlite = store as? SQLiteStore
        let postgres = store as? PostgresStore
        let commitStats: @Sendable () -> CommitStats? = { sqlite?.commitStats ?? postgres?.commitStats }
        var servers: [(String, HTTPServer)] = []
        let budget = DescriptorBudget(
            limit: DescriptorBudget.raiseLimit(), configured: config.limits.maxConnections,
            listeners: config.listeners.count)
        descriptorBudget = budget
        for listener in config.listeners {
            let limits = ServerLimits(
                maxHeadBytes: config.limits.maxHeadBytes,
                maxBodyBytes: config.limits.maxBodyBytes,
                headTimeout: .milliseconds(config.limits.headTimeoutMs),
                bodyTimeout: .milliseconds(config.limits.bodyTimeoutMs),
                idleTimeout: .milliseconds(config.limits.idleTimeoutMs),
                maxConnections: budget.connectionsPerListener
            )
            let tls = listener.tls.map {
                TLSConfiguration(
                    certificateChainFile: $0.certificate,
                    privateKeyFile: $0.key,
                    clientCAFile: $0.clientCA,
                    clientCertificates: TLSConfiguration.ClientCertificates(rawValue: $0.clientCertificates.rawValue) ?? .required
                )
            }
            let maxBodyBytes = config.limits.maxBodyBytes
            let isOperator = listener.role == .operator
            let configuration = ServerConfiguration(
                host: listener.host,
                port: listener.port,
                loops: max(1, ProcessInfo.processInfo.activeProcessorCount),
                tls: tls,
                limits: limits,
                bodyLimit: { method, path in isOperator ? maxBodyBytes : ingest.bodyLimit(method: method, path: path) }
            )
            let handler: @Sendable (HTTPRequest) async -> HTTPResponse
            switch listener.role {
            case .agency:
                handler = { request in await ingest.handle(request) }
            case .operator:
                // Plain listeners bind loopback only (config enforces it): metrics there need no token.
                let service = OperatorService(
                    config: config, store: store, metrics: metrics, deliverer: deliverer, readiness: readiness,
                    commitStats: commitStats, openMetrics: listener.isPlain, cipher: cipher)
                handler = { request in await service.handle(request) }
            }
            do {
                let server = try HTTPServer(configuration: configuration, handler: handler)
                servers.append((listener.name, server))
            } catch {
                throw StartupError("listeners[\(listener.name)]: \(error)")
            }
        }
        self.servers = servers
    }

    /// The agency-facing POST paths and their adapters.
    static let endpoints: [IngestEndpoint] = [
        IngestEndpoint(path: "/v1/hospital/visits", adapter: HospitalVisitAdapter(), allowsLargeBodies: true),
        IngestEndpoint(path: "/v1/hospital/checkins", adapter: HospitalCheckinAdapter(), allowsLargeBodies: false),
        IngestEndpoint(path: "/v1/courts/verdicts", adapter: CourtVerdictAdapter(), allowsLargeBodies: true),
        IngestEndpoint(path: "/v1/procuracy/records", adapter: ProcuracyRecordAdapter(), allowsLargeBodies: true),
        IngestEndpoint(path: "/v1/vneid/certificate-requests", adapter: CertificateRequestAdapter(), allowsLargeBodies: false),
        IngestEndpoint(path: "/v1/judicial/certificates", adapter: JudicialCertificateAdapter(), allowsLargeBodies: false),
        IngestEndpoint(path: "/v1/test/notes", adapter: TestNoteAdapter(), allowsLargeBodies: false),
    ]

    /// The agency-facing path that takes messages of `type` (e.g. `/v1/hospital/visits`), if any.
    public static func ingestPath(for type: MessageType) -> String? {
        endpoints.first { $0.type == type }?.path
    }

    /// Binds every listener and starts delivering.
    public func start() throws(StartupError) {
        for (name, server) in servers {
            do {
                try server.start()
            } catch {
                throw StartupError("listener \(name): \(error)")
            }
        }
        deliverer.start()
        backPressure.start(store: store)
        retention.start()
    }

    /// The bound port of each listener, by name (useful with port 0).
    public var ports: [String: Int] {
        Dictionary(servers.map { ($0.name, $0.server.port) }, uniquingKeysWith: { a, _ in a })
    }

    /// Stops listening, lets deliveries in flight finish reporting, and closes the store.
    public func stop() async {
        let already = stopped.withLock { value in
            defer { value = true }
            return value
        }
        guard !already else { return }
        backPressure.stop()
        await retention.stop()
        for (_, server) in servers { server.shutdown() }
        await deliverer.stop()
        client.shutdown()
        store.close()
    }
}

/// Why the gateway could not start; the message names the part and the file.
public struct StartupError: Error, CustomStringConvertible, Sendable {
    /// The explanation.
    public let description: String
    init(_ description: String) { self.description = description }
}
