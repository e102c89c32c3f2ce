extension GatewayConfig {
    /// A person (or tool) using the operator API with a bearer token.
    public struct Operator: Sendable, Hashable {
        /// What an operator may do.
        public enum Role: String, Sendable, CaseIterable {
            /// Reads the log and statistics; bodies and citizen ID numbers are masked.
            case viewer
            /// Also sees bodies (each view logged) and replays messages.
            case `operator`
            /// Reads everything, including bodies (each view logged), and verifies the log; no replays.
            case auditor
        }

        /// Unique name, `[a-z0-9-]+`.
        public var name: String
        /// The role.
        public var role: Role
        /// Every accepted token hash (declared `tokenSHA256` and the hash of `tokenFile`).
        public var tokenHashes: Set<String>
        /// The token file, if configured (absolute path).
        public var tokenFile: String?

        static func read(_ r: JSONObjectReader, files: FileChecker) -> Operator? {
            r.rejectUnknownKeys(["name", "role", "tokenSHA256", "tokenFile"])
            let problems = r.problems
            let name = r.string("name")
            if let name { ConfigChecks.checkIdentifier(name, at: r.path("name"), problems) }
            var role: Role?
            if let raw = r.string("role") {
                role = Role(rawValue: raw)
                if role == nil {
                    problems.add(r.path("role"), "unknown", "unknown role \"\(raw)\" (expected viewer, operator or auditor)")
                }
            }
            var hashes = Set<String>()
            if let declared = r.string("tokenSHA256", required: false),
                let hash = ConfigChecks.sha256(declared, at: r.path("tokenSHA256"), problems)
            {
                hashes.insert(hash)
            }
            var tokenFile: String?
            if let path = r.string("tokenFile", required: false) {
                let file = files.file(path, at: r.path("tokenFile"))
                tokenFile = file.path
                if let text = file.contents {
                    if let hash = TokenFile.hash(of: text) {
                        hashes.insert(hash)
                    } else {
                        problems.add(r.path("tokenFile"), "format", "token file is empty or shorter than 16 characters")
                    }
                }
            }
            if !r.has("tokenSHA256") && !r.has("tokenFile") {
                problems.add(r.path("tokenSHA256"), "missing", "an operator needs tokenSHA256 or tokenFile")
            }
            guard let name, let role else { return nil }
            return Operator(name: name, role: role, tokenHashes: hashes, tokenFile: tokenFile)
        }
    }
}
