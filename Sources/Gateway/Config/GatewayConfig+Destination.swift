import Foundation

extension GatewayConfig {
    /// An agency endpoint messages are delivered to.
    public struct Destination: Sendable, Hashable {
        /// Outbound TLS: CA bundle, client certificate (mTLS) and public-key pin. Paths are absolute.
        public struct TLS: Sendable, Hashable {
            /// PEM bundle the server certificate must chain to; nil for the system bundle.
            public var ca: String?
            /// PEM client certificate presented to the destination.
            public var certificate: String?
            /// PEM private key of ``certificate``.
            public var key: String?
            /// libcurl `CURLOPT_PINNEDPUBLICKEY` value: `sha256//BASE64[;sha256//BASE64…]`.
            public var pin: String?

            /// TLS settings (all optional).
            public init(ca: String? = nil, certificate: String? = nil, key: String? = nil, pin: String? = nil) {
                self.ca = ca
                self.certificate = certificate
                self.key = key
                self.pin = pin
            }
        }

        /// Retry policy: exponential backoff with jitter, capped; then dead letter.
        public struct Retry: Sendable, Hashable {
            /// Attempts in total, including the first.
            public var maxAttempts: Int = 20
            /// Wait before the second attempt.
            public var initialBackoffMs: Int = 500
            /// The wait never grows beyond this.
            public var maxBackoffMs: Int = 300_000
            /// A message older than this is dead-lettered instead of retried.
            public var maxAgeHours: Int = 72

            /// A policy; defaults as documented in `config/README.md`.
            public init(maxAttempts: Int = 20, initialBackoffMs: Int = 500, maxBackoffMs: Int = 300_000, maxAgeHours: Int = 72) {
                self.maxAttempts = maxAttempts
                self.initialBackoffMs = initialBackoffMs
                self.maxBackoffMs = maxBackoffMs
                self.maxAgeHours = maxAgeHours
            }
        }

        /// Circuit breaker per destination.
        public struct Breaker: Sendable, Hashable {
            /// Consecutive failures that open the circuit.
            public var failureThreshold: Int = 5
            /// How long the circuit stays open before a probe.
            public var openMs: Int = 30_000

            /// A breaker; defaults as documented in `config/README.md`.
            public init(failureThreshold: Int = 5, openMs: Int = 30_000) {
                self.failureThreshold = failureThreshold
                self.openMs = openMs
            }
        }

        /// A login for a destination's own protocol; the password lives in a file, never in the config.
        public struct Credentials: Sendable, Hashable {
            /// The account name.
            public var username: String
            /// Absolute path of the file holding the password (trailing newline ignored).
            public var passwordFile: String
        }

        /// Unique id, `[a-z0-9-]+`.
        public var id: String
        /// Endpoint URL (https; http only to loopback).
        public var url: String
        /// Wire format the destination speaks, e.g. `healthbook.visit`; chooses the encoder.
        public var format: String
        /// Outbound TLS settings, nil for defaults (system CA bundle, no client certificate).
        public var tls: TLS?
        /// Per-attempt timeout.
        public var timeoutMs: Int = 10_000
        /// Requests in flight at once, 1–256.
        public var concurrency: Int = 8
        /// Retry policy.
        public var retry: Retry = Retry()
        /// Circuit breaker.
        public var breaker: Breaker = Breaker()
        /// Account for destinations whose protocol logs in first (the BHXH portal's `api/token/take`).
        public var credentials: Credentials?
        /// The template this destination was expanded from, if any.
        public var template: String?
        /// The province of an expanded destination, if any.
        public var province: String?

        /// A destination, e.g. for tests that deliver without a config file.
        public init(
            id: String, url: String, format: String, tls: TLS? = nil, timeoutMs: Int = 10_000, concurrency: Int = 8,
            retry: Retry = Retry(), breaker: Breaker = Breaker(), template: String? = nil, province: String? = nil
        ) {
            self.id = id
            self.url = url
            self.format = format
            self.tls = tls
            self.timeoutMs = timeoutMs
            self.concurrency = concurrency
            self.retry = retry
            self.breaker = breaker
            self.template = template
            self.province = province
        }

        static let keys: Set<String> = [
            "id", "url", "format", "tls", "timeoutMs", "concurrency", "retry", "breaker", "credentials",
        ]

        /// Reads a destination or, with `template` set, the body of a template (its id and URL may hold
        /// `{province}`, checked with `01` in its place).
        static func read(_ r: JSONObjectReader, files: FileChecker, extraKeys: Set<String> = [], template: Bool = false)
            -> Destination?
        {
            r.rejectUnknownKeys(keys.union(extraKeys))
            let problems = r.problems
            let sample: (String) -> String = { template ? $0.replacingOccurrences(of: "{province}", with: "01") : $0 }
            let id = r.string("id")
            if let id {
                if template && !id.contains("{province}") {
                    problems.add(r.path("id"), "format", "a template id must contain {province}, e.g. doj-{province}")
                } else {
                    ConfigChecks.checkIdentifier(sample(id), at: r.path("id"), problems)
                }
            }
            let url = r.string("url")
            if let url { ConfigChecks.checkURL(sample(url), at: r.path("url"), problems) }
            let format = r.string("format")
            if let format, !GatewayConfig.knownFormats.contains(format) {
                let known = GatewayConfig.knownFormats.sorted().joined(separator: ", ")
                problems.add(r.path("format"), "unknown", "unknown format \"\(format)\"; known: \(known)")
            }
            var destination = Destination(id: id ?? "", url: url ?? "", format: format ?? "")
            if let t = r.object("tls", required: false) {
                destination.tls = readTLS(t, files: files)
            }
            if let c = r.object("credentials", required: false) {
                c.rejectUnknownKeys(["username", "passwordFile"])
                if let username = c.string("username"), let file = c.string("passwordFile") {
                    destination.credentials = Credentials(
                        username: username, passwordFile: files.file(file, at: c.path("passwordFile")).path)
                }
            }
            if format == "bhxh.portal" && !r.has("credentials") {
                problems.add(r.path("credentials"), "missing", "the BHXH portal needs a username and passwordFile")
            }
            if let timeout = r.int("timeoutMs", default: destination.timeoutMs) {
                ConfigChecks.checkRange(timeout, 1...3_600_000, at: r.path("timeoutMs"), problems)
                destination.timeoutMs = timeout
            }
            if let concurrency = r.int("concurrency", default: destination.concurrency) {
                ConfigChecks.checkRange(concurrency, 1...256, at: r.path("concurrency"), problems)
                destination.concurrency = concurrency
            }
            if let retry = r.object("retry", required: false) {
                retry.rejectUnknownKeys(["maxAttempts", "initialBackoffMs", "maxBackoffMs", "maxAgeHours"])
                var policy = Retry()
                func field(_ key: String, _ value: inout Int, _ range: ClosedRange<Int>) {
                    guard let read = retry.int(key, default: value) else { return }
                    ConfigChecks.checkRange(read, range, at: retry.path(key), problems)
                    value = read
                }
                field("maxAttempts", &policy.maxAttempts, 1...1000)
                field("initialBackoffMs", &policy.initialBackoffMs, 1...Int.max)
                field("maxBackoffMs", &policy.maxBackoffMs, 1...Int.max)
                field("maxAgeHours", &policy.maxAgeHours, 1...24 * 365)
                if policy.maxBackoffMs < policy.initialBackoffMs {
                    problems.add(retry.path("maxBackoffMs"), "range", "must be ≥ initialBackoffMs (\(policy.initialBackoffMs))")
                }
                destination.retry = policy
            }
            if let breaker = r.object("breaker", required: false) {
                breaker.rejectUnknownKeys(["failureThreshold", "openMs"])
                var policy = Breaker()
                if let value = breaker.int("failureThreshold", default: policy.failureThreshold) {
                    ConfigChecks.checkRange(value, 1...10_000, at: breaker.path("failureThreshold"), problems)
                    policy.failureThreshold = value
                }
                if let value = breaker.int("openMs", default: policy.openMs) {
                    ConfigChecks.checkRange(value, 1...Int.max, at: breaker.path("openMs"), problems)
                    policy.openMs = value
                }
                destination.breaker = policy
            }
            guard id != nil, url != nil, format != nil else { return nil }
            return destination
        }

        private static func readTLS(_ t: JSONObjectReader, files: FileChecker) -> TLS {
            t.rejectUnknownKeys(["ca", "certificate", "key", "pin"])
            let problems = t.problems
            var tls = TLS()
            tls.ca = t.string("ca", required: false).map { files.file($0, at: t.path("ca"), kind: .certificate).path }
            tls.certificate = t.string("certificate", required: false).map {
                files.file($0, at: t.path("certificate"), kind: .certificate).path
            }
            tls.key = t.string("key", required: false).map { files.file($0, at: t.path("key"), kind: .privateKey).path }
            if tls.certificate != nil && tls.key == nil && !t.has("key") {
                problems.add(t.path("key"), "missing", "required with certificate")
            }
            if tls.key != nil && tls.certificate == nil && !t.has("certificate") {
                problems.add(t.path("certificate"), "missing", "required with key")
            }
            if let pin = t.string("pin", required: false) {
                if pin.split(separator: ";", omittingEmptySubsequences: false).allSatisfy(isValidPin) {
                    tls.pin = pin
                } else {
                    problems.add(t.path("pin"), "format", "must be sha256//BASE64 (SHA-256 of the public key), several joined by ;")
                }
            }
            return tls
        }

        private static func isValidPin(_ pin: Substring) -> Bool {
            guard pin.hasPrefix("sha256//") else { return false }
            guard let data = Data(base64Encoded: String(pin.dropFirst("sha256//".count))) else { return false }
            return data.count == 32
        }
    }
}
