extension GatewayConfig {
    /// `encryption`: message bodies sealed at rest with AES-256-GCM (``BodyCipher``). Absent: bodies are stored
    /// in clear.
    public struct Encryption: Sendable, Hashable {
        /// One key: its id (written into every body it seals) and its file (base64 of 32 bytes, ``BodyKeyFile``).
        public struct Key: Sendable, Hashable {
            /// `[a-z0-9-]+`, at most 64 characters, e.g. `k2026`.
            public var id: String
            /// Absolute path of the key file.
            public var file: String
        }

        /// Every key that may still open stored bodies; old keys stay listed after a rotation.
        public var keys: [Key]
        /// The id new bodies are sealed with.
        public var current: String

        static func read(_ r: JSONObjectReader, files: FileChecker) -> Encryption? {
            r.rejectUnknownKeys(["keys", "current"])
            let problems = r.problems
            let elements = r.array("keys") ?? []
            if r.has("keys") && elements.isEmpty { problems.add(r.path("keys"), "missing", "at least one key") }
            var keys: [Key] = []
            var seen: [String: String] = [:]
            for element in elements {
                guard let k = JSONObjectReader(element.value, path: element.path, problems: problems) else { continue }
                k.rejectUnknownKeys(["id", "file"])
                let id = k.string("id")
                let file = k.string("file")
                if let id {
                    ConfigChecks.checkIdentifier(id, at: k.path("id"), problems)
                    if id.utf8.count > 64 { problems.add(k.path("id"), "too_long", "at most 64 characters") }
                    if let first = seen[id] {
                        problems.add(k.path("id"), "duplicate", "duplicate key id \"\(id)\" (also at \(first))")
                    } else {
                        seen[id] = element.path
                    }
                }
                guard let id, let file else { continue }
                let checked = files.file(file, at: k.path("file"))
                if let contents = checked.contents, case .failure(let problem) = BodyKeyFile.decode(contents) {
                    problems.add(k.path("file"), problem.code, "\(problem.message): \(checked.path)")
                }
                keys.append(Key(id: id, file: checked.path))
            }
            let current = r.string("current")
            if let current, !elements.isEmpty, seen[current] == nil {
                problems.add(r.path("current"), "unknown_reference",
                             "\"\(current)\" is not among encryption.keys (\(seen.keys.sorted().joined(separator: ", ")))")
            }
            guard let current else { return nil }
            return Encryption(keys: keys, current: current)
        }
    }
}
