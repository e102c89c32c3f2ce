import Foundation

/// Everything an ``HTTPServer`` needs to listen.
public struct ServerConfiguration: Sendable {
    /// The address to bind (IPv4 or IPv6 literal).
    public var host: String
    /// The port; 0 picks an ephemeral one (read it from ``HTTPServer/port`` after ``HTTPServer/start()``).
    public var port: Int
    /// How many event loops (threads) to run.
    public var loops: Int
    /// TLS settings; `nil` serves plain HTTP.
    public var tls: TLSConfiguration?
    /// Size, time and connection limits.
    public var limits: ServerLimits
    /// A per-route body limit (method, path) overriding ``ServerLimits/maxBodyBytes``.
    public var bodyLimit: (@Sendable (String, String) -> Int)?

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        loops: Int = ProcessInfo.processInfo.activeProcessorCount,
        tls: TLSConfiguration? = nil,
        limits: ServerLimits = ServerLimits(),
        bodyLimit: (@Sendable (String, String) -> Int)? = nil
    ) {
        self.host = host
        self.port = port
        self.loops = loops
        self.tls = tls
        self.limits = limits
        self.bodyLimit = bodyLimit
    }
}
