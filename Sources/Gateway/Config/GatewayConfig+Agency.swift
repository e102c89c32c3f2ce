import Messages

extension GatewayConfig {
    /// A sending agency: who it is, how it proves it, what it may send.
    public struct Agency: Sendable, Hashable {
        /// Kinds of agency; each kind has an adapter.
        public enum Kind: String, Sendable, CaseIterable {
            /// A medical facility (CSKCB).
            case hospital
            /// Vietnam Social Security (BHXH).
            case socialsecurity
            /// The e-health book.
            case healthbook
            /// A people's court.
            case court
            /// The procuracy (VKSND).
            case procuracy
            /// The VNeID platform.
            case vneid
            /// A Department of Justice (Sở Tư pháp) or the National Centre for Judicial Records.
            case justice
            /// The National Population Database.
            case population
        }

        /// How an agency authenticates. Paths are absolute; hashes are lowercase hex.
        public struct Auth: Sendable, Hashable {
            /// PEM client certificate whose fingerprint identifies the agency, if configured.
            public var certificate: String?
            /// Declared certificate fingerprints (SHA-256 of the DER), e.g. for certificate rotation.
            public var certificateSHA256: [String]
            /// Declared SHA-256 hashes of bearer tokens.
            public var tokenSHA256: [String]
            /// File holding a bearer token (hashed at load time), if configured.
            public var tokenFile: String?
        }

        /// A token-bucket rate limit per agency.
        public struct RateLimit: Sendable, Hashable {
            /// Sustained messages per second.
            public var perSecond: Int
            /// Bucket size: how many may arrive at once.
            public var burst: Int
        }

        /// Unique id, `[a-z0-9-]+`; the `sender` of its messages.
        public var id: String
        /// Which adapter decodes its messages.
        public var kind: Kind
        /// Display name.
        public var name: String
        /// Facility, court or office code the agency is bound to (e.g. `MA_CSKCB` `01013`), if any.
        public var code: String?
        /// Two-digit province code, if the agency belongs to one.
        public var province: String?
        /// Credentials as configured.
        public var auth: Auth
        /// Message types the agency may send.
        public var types: [MessageType]
        /// Whether it may call `GET /v1/population/citizens/{id}`.
        public var populationLookup: Bool
        /// Rate limit; nil for none.
        public var rateLimit: RateLimit?
        /// Every accepted certificate fingerprint: the declared ones plus that of ``Auth/certificate``
        /// (computed when the config is loaded with file checks).
        public var certificateFingerprints: Set<String>
        /// Every accepted token hash: the declared ones plus that of ``Auth/tokenFile``.
        public var tokenHashes: Set<String>

        /// The adapter's view of this sender.
        public func senderContext(correlationId: String) -> SenderContext {
            SenderContext(agency: id, kind: kind.rawValue, code: code, province: province, correlationId: correlationId)
        }

        /// Whether the agency may send `type`.
        public func maySend(_ type: MessageType) -> Bool { types.contains(type) }

        static let keys: Set<String> = [
            "id", "kind", "name", "code", "province", "auth", "types", "populationLookup", "rateLimit",
        ]
        static let authKeys: Set<String> = ["certificate", "certificateSHA256", "tokenSHA256", "tokenFile"]

        static func read(_ r: JSONObjectReader, files: FileChecker) -> Agency? {
            r.rejectUnknownKeys(keys)
            let problems = r.problems
            let id = r.string("id")
            if let id { ConfigChecks.checkIdentifier(id, at: r.path("id"), problems) }
            var kind: Kind?
            if let raw = r.string("kind") {
                kind = Kind(rawValue: raw)
                if kind == nil {
                    let known = Kind.allCases.map(\.rawValue).joined(separator: ", ")
                    problems.add(r.path("kind"), "unknown", "unknown kind \"\(raw)\" (expected one of: \(known))")
                }
            }
            let name = r.string("name")
            if let name, name.isEmpty { problems.add(r.path("name"), "format", "must not be empty") }
            let code = r.string("code", required: false)
            if let code, code.isEmpty || code.count > 32 {
                problems.add(r.path("code"), "format", "must be 1–32 characters")
            }
            let province = r.string("province", required: false)
            if let province, !Provinces.isValid(province) {
                problems.add(r.path("province"), "unknown", "unknown province code \"\(province)\" (two digits, e.g. 01)")
            }
            var types: [MessageType] = []
            for element in r.strings("types") ?? [] {
                if GatewayConfig.knownMessageTypes.contains(MessageType(element.value)) {
                    types.append(MessageType(element.value))
                } else {
                    problems.add(element.path, "unknown", "unknown message type \"\(element.value)\"")
                }
            }
            let populationLookup = r.bool("populationLookup", default: false)
            var rateLimit: RateLimit?
            if let l = r.object("rateLimit", required: false) {
                l.rejectUnknownKeys(["perSecond", "burst"])
                let perSecond = l.int("perSecond")
                ConfigChecks.checkRange(perSecond, 1...Int.max, at: l.path("perSecond"), problems)
                let burst = l.int("burst", default: perSecond ?? 1)
                ConfigChecks.checkRange(burst, 1...Int.max, at: l.path("burst"), problems)
                if let perSecond, let burst { rateLimit = RateLimit(perSecond: perSecond, burst: burst) }
            }
            var auth: Auth?
            var fingerprints = Set<String>()
            var tokens = Set<String>()
            if let a = r.object("auth") {
                a.rejectUnknownKeys(authKeys)
                var certificate: String?
                if let path = a.string("certificate", required: false) {
                    let file = files.file(path, at: a.path("certificate"), kind: .certificate)
                    certificate = file.path
                    if let text = file.contents, let fingerprint = PEM.certificateSHA256(pem: text) {
                        fingerprints.insert(fingerprint)
                    }
                }
                let certificateSHA256 = (a.strings("certificateSHA256", required: false) ?? []).compactMap {
                    ConfigChecks.sha256($0.value, at: $0.path, problems)
                }
                let tokenSHA256 = (a.strings("tokenSHA256", required: false) ?? []).compactMap {
                    ConfigChecks.sha256($0.value, at: $0.path, problems)
                }
                fingerprints.formUnion(certificateSHA256)
                tokens.formUnion(tokenSHA256)
                var tokenFile: String?
                if let path = a.string("tokenFile", required: false) {
                    let file = files.file(path, at: a.path("tokenFile"))
                    tokenFile = file.path
                    if let text = file.contents {
                        if let hash = TokenFile.hash(of: text) {
                            tokens.insert(hash)
                        } else {
                            problems.add(a.path("tokenFile"), "format", "token file is empty or shorter than 16 characters")
                        }
                    }
                }
                let declared = certificate != nil || tokenFile != nil || !certificateSHA256.isEmpty || !tokenSHA256.isEmpty
                if !declared && !a.has("certificateSHA256") && !a.has("tokenSHA256") {
                    problems.add(a.path, "missing", "an agency needs at least one credential: certificate, certificateSHA256, tokenSHA256 or tokenFile")
                }
                auth = Auth(certificate: certificate, certificateSHA256: certificateSHA256, tokenSHA256: tokenSHA256, tokenFile: tokenFile)
            }
            guard let id, let kind, let name, let auth else { return nil }
            return Agency(
                id: id, kind: kind, name: name, code: code, province: province, auth: auth, types: types,
                populationLookup: populationLookup, rateLimit: rateLimit, certificateFingerprints: fingerprints,
                tokenHashes: tokens
            )
        }
    }
}
