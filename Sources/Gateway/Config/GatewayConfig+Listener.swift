extension GatewayConfig {
    /// One inbound socket: who connects (agencies or operators) and how (TLS settings, or plain on loopback).
    public struct Listener: Sendable, Hashable {
        /// Which API a listener serves.
        public enum Role: String, Sendable, CaseIterable {
            /// The agency-facing message API.
            case agency
            /// The operator API, console and metrics.
            case `operator`
        }

        /// Whether TLS clients must present a certificate.
        public enum ClientCertificates: String, Sendable, CaseIterable {
            /// The handshake fails without a certificate that chains to ``TLS/clientCA``.
            case required
            /// A certificate is verified if sent; a bearer token may stand in for it.
            case optional
            /// No certificate is asked for.
            case none
        }

        /// Server-side TLS settings. Paths are absolute.
        public struct TLS: Sendable, Hashable {
            /// PEM certificate chain the server presents.
            public var certificate: String
            /// PEM private key of ``certificate``.
            public var key: String
            /// PEM bundle client certificates must chain to; nil when ``clientCertificates`` is `none`.
            public var clientCA: String?
            /// Whether client certificates are asked for.
            public var clientCertificates: ClientCertificates
        }

        /// Unique name, used in logs and metrics.
        public var name: String
        /// Address to bind (`127.0.0.1`, `::1`, `0.0.0.0`, a host name).
        public var host: String
        /// TCP port, 1–65535.
        public var port: Int
        /// Which API this listener serves.
        public var role: Role
        /// TLS settings; nil for a plain-HTTP listener (loopback only).
        public var tls: TLS?

        /// Whether the listener speaks plain HTTP.
        public var isPlain: Bool { tls == nil }

        static let keys: Set<String> = ["name", "host", "port", "role", "tls", "plain"]
        static let tlsKeys: Set<String> = ["certificate", "key", "clientCA", "clientCertificates"]

        static func read(_ r: JSONObjectReader, files: FileChecker) -> Listener? {
            r.rejectUnknownKeys(keys)
            let problems = r.problems
            let name = r.string("name")
            if let name { ConfigChecks.checkIdentifier(name, at: r.path("name"), problems) }
            let host = r.string("host")
            if let host, host.isEmpty { problems.add(r.path("host"), "format", "must not be empty") }
            let port = r.int("port")
            ConfigChecks.checkRange(port, 1...65535, at: r.path("port"), problems)
            var role: Role?
            if let raw = r.string("role") {
                role = Role(rawValue: raw)
                if role == nil {
                    problems.add(r.path("role"), "unknown", "unknown role \"\(raw)\" (expected agency or operator)")
                }
            }
            let plain = r.bool("plain", default: false)
            var tls: TLS?
            if plain {
                if r.has("tls") { problems.add(r.path("tls"), "conflict", "a plain listener has no tls settings") }
                if let host, !ConfigChecks.isLoopback(host) {
                    problems.add(r.path("host"), "insecure", "plain listeners may bind only loopback (127.0.0.1, ::1, localhost), found \"\(host)\"")
                }
            } else if let t = r.object("tls", required: false) {
                tls = readTLS(t, role: role, files: files)
            } else if !r.has("tls") {
                problems.add(r.path("tls"), "missing", "required unless \"plain\": true")
            }
            guard let name, let host, let port, let role, plain || tls != nil else { return nil }
            return Listener(name: name, host: host, port: port, role: role, tls: tls)
        }

        private static func readTLS(_ t: JSONObjectReader, role: Role?, files: FileChecker) -> TLS? {
            t.rejectUnknownKeys(tlsKeys)
            let problems = t.problems
            let certificate = t.string("certificate").map { files.file($0, at: t.path("certificate"), kind: .certificate).path }
            let key = t.string("key").map { files.file($0, at: t.path("key"), kind: .privateKey).path }
            let clientCA = t.string("clientCA", required: false).map {
                files.file($0, at: t.path("clientCA"), kind: .certificate).path
            }
            var mode: ClientCertificates? = role == .agency ? .required : ClientCertificates.none
            if let raw = t.string("clientCertificates", required: false) {
                mode = ClientCertificates(rawValue: raw)
                if mode == nil {
                    problems.add(t.path("clientCertificates"), "unknown", "unknown value \"\(raw)\" (expected required, optional or none)")
                }
            }
            if let mode, mode != .none, clientCA == nil {
                let why = role == .agency ? "agency listeners verify client certificates" : "client certificates are \(mode.rawValue)"
                problems.add(t.path("clientCA"), "missing", "required: \(why) (or set clientCertificates to none)")
            }
            guard let certificate, let key, let mode else { return nil }
            return TLS(certificate: certificate, key: key, clientCA: mode == .none ? nil : clientCA, clientCertificates: mode)
        }
    }
}
