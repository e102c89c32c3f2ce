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
    private let client: HTTPClient
    private let deliverer: Deliverer
    private let servers: [(name: String, server: HTTPServer)]
    private let stopped = Mutex(false)

    /// Opens the store and builds every part; nothing listens until ``start()``.
    ///
    /// - Throws: ``StartupError`` naming what could not be set up (store, a TLS file, a port).
    public init(config: GatewayConfig) throws(StartupError) {
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
                store = try SQLiteStore(path: path, node: config.node)
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
        HTTPClient.globalInit()
        let client = HTTPClient(workers: 1)
        self.client = client
        let factory = DestinationFactory(config: config)
        let deliverer = Deliverer(
            source: StoreOutboxSource(store: store, references: [:]),
            client: client,
            destinations: config.expandedDestinations.map(factory.make),
            pollInterval: .milliseconds(500)
        )
        self.deliverer = deliverer
        let ingest = IngestService(
            config: config,
            store: store,
            endpoints: Self.endpoints,
            readiness: { [store] in await Self.readiness(store: store) },
            onAdmitted: { destinations in for id in destinations { deliverer.wake(destination: id) } }
        )
        var servers: [(String, HTTPServer)] = []
        for listener in config.listeners {
            let limits = ServerLimits(
                maxHeadBytes: config.limits.maxHeadBytes,
                maxBodyBytes: config.limits.maxBodyBytes,
                headTimeout: .milliseconds(config.limits.headTimeoutMs),
                bodyTimeout: .milliseconds(config.limits.bodyTimeoutMs),
                idleTimeout: .milliseconds(config.limits.idleTimeoutMs),
                maxConnections: config.limits.maxConnections
            )
            let tls = listener.tls.map {
                TLSConfiguration(
                    certificateChainFile: $0.certificate,
                    privateKeyFile: $0.key,
                    clientCAFile: $0.clientCA,
                    clientCertificates: TLSConfiguration.ClientCertificates(rawValue: $0.clientCertificates.rawValue) ?? .required
                )
            }
            let configuration = ServerConfiguration(
                host: listener.host,
                port: listener.port,
                loops: max(1, ProcessInfo.processInfo.activeProcessorCount),
                tls: tls,
                limits: limits,
                bodyLimit: { method, path in ingest.bodyLimit(method: method, path: path) }
            )
            do {
                let server = try HTTPServer(configuration: configuration) { request in await ingest.handle(request) }
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
        IngestEndpoint(path: "/v1/test/notes", adapter: TestNoteAdapter(), allowsLargeBodies: false),
    ]

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
        for (_, server) in servers { server.shutdown() }
        await deliverer.stop()
        client.shutdown()
        store.close()
    }

    static func readiness(store: any MessageStore) async -> (ready: Bool, detail: [String: String]) {
        do {
            _ = try await store.outboxStats()
            return (true, ["store": "ok"])
        } catch {
            return (false, ["store": "unavailable"])
        }
    }
}

/// Why the gateway could not start; the message names the part and the file.
public struct StartupError: Error, CustomStringConvertible, Sendable {
    /// The explanation.
    public let description: String
    init(_ description: String) { self.description = description }
}
