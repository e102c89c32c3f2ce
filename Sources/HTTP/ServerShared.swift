import HTTPCore

/// What every loop of one server shares: immutable configuration, the handler, TLS and the connection counter.
final class ServerShared: Sendable {
    let configuration: ServerConfiguration
    let handler: @Sendable (HTTPRequest) async -> HTTPResponse
    let tls: TLSContext?
    let counter: ConnectionCounter

    init(
        configuration: ServerConfiguration,
        handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse,
        tls: TLSContext?
    ) {
        self.configuration = configuration
        self.handler = handler
        self.tls = tls
        self.counter = ConnectionCounter(limit: configuration.limits.maxConnections)
    }
}
