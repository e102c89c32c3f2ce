import HTTP
import HTTPCore

/// The simulated VNeID platform: `POST /v1/judicial-certificates` (by default) takes a JSON object and answers
/// `201 {"status":"received","receiptId","key"}`, recorded once per `Idempotency-Key`.
/// Judicial-record certificates issued by Departments of Justice arrive here.
public final class VNeIDSimulator: Sendable {
    /// The HTTP side: recorder and HTTP-level faults (`fail`, `mode`).
    public let server: DestinationSimulator
    /// The path records are posted to.
    public let path: String
    private let ledger = IntakeLedger(prefix: "VNEID")

    /// Creates the simulator; nothing listens until ``start()``.
    ///
    /// - Parameters:
    ///   - tls: Server TLS; `nil` for plain HTTP.
    ///   - port: The port; 0 picks a free one.
    ///   - path: Where records are posted.
    public init(tls: TLSConfiguration? = nil, port: Int = 0, path: String = "/v1/judicial-certificates") {
        server = DestinationSimulator(tls: tls, port: port, loops: 1)
        self.path = path
        server.route(path) { [ledger] request, _ in ledger.accept(request) }
        server.controlRoute("/_control/reset") { [ledger] _ in
            ledger.clear()
            return nil
        }
    }

    /// Starts listening.
    ///
    /// - Throws: The server's error if it cannot bind or load its TLS files.
    public func start() throws { try server.start() }

    /// Stops listening.
    public func shutdown() { server.shutdown() }

    /// The bound port (after ``start()``).
    public var port: Int { server.port }

    /// `http://127.0.0.1:<port>` or `https://localhost:<port>`.
    public var baseURL: String { server.baseURL }

    /// Every accepted record, in order.
    public var records: [IntakeRecord] { ledger.records }
}
