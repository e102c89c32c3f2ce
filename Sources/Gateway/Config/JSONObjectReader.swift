/// Reads one JSON object of the configuration, reporting missing keys, type mismatches and unknown
/// keys with their full path (`agencies[3].auth.certificate`).
struct JSONObjectReader {
    /// Path of this object; empty for the document root.
    let path: String
    let fields: [String: JSONValue]
    let problems: ProblemList

    /// Reads `value` as an object; reports a type mismatch at `path` and returns nil otherwise.
    init?(_ value: JSONValue, path: String, problems: ProblemList) {
        guard case .object(let fields) = value else {
            problems.add(path.isEmpty ? "(document)" : path, "type", "expected an object, found \(value.kindName)")
            return nil
        }
        self.path = path
        self.fields = fields
        self.problems = problems
    }

    /// The path of a key of this object.
    func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Reports every key not in `allowed`: unknown keys are nearly always typos of optional keys.
    func rejectUnknownKeys(_ allowed: Set<String>) {
        for key in fields.keys.sorted() where !allowed.contains(key) {
            problems.add(path(key), "unknown_key", "unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    /// Whether the key is present and not null.
    func has(_ key: String) -> Bool {
        guard let value = fields[key] else { return false }
        return value != .null
    }

    private func value(_ key: String, required: Bool) -> JSONValue? {
        guard let value = fields[key], value != .null else {
            if required { problems.add(path(key), "missing", "required key is missing") }
            return nil
        }
        return value
    }

    private func mismatch(_ key: String, expected: String, found: JSONValue) {
        problems.add(path(key), "type", "expected \(expected), found \(found.kindName)")
    }

    /// A string value.
    func string(_ key: String, required: Bool = true) -> String? {
        guard let value = value(key, required: required) else { return nil }
        guard case .string(let string) = value else {
            mismatch(key, expected: "a string", found: value)
            return nil
        }
        return string
    }

    /// An integer value; `fallback` when absent (no problem reported then).
    func int(_ key: String, default fallback: Int? = nil) -> Int? {
        guard let value = value(key, required: fallback == nil) else { return fallback }
        switch value {
        case .int(let int): return int
        case .double(let double):
            problems.add(path(key), "type", "expected an integer, found \(double)")
            return nil
        default:
            mismatch(key, expected: "an integer", found: value)
            return nil
        }
    }

    /// A boolean value; `fallback` when absent.
    func bool(_ key: String, default fallback: Bool) -> Bool {
        guard let value = value(key, required: false) else { return fallback }
        guard case .bool(let bool) = value else {
            mismatch(key, expected: "true or false", found: value)
            return fallback
        }
        return bool
    }

    /// A nested object.
    func object(_ key: String, required: Bool = true) -> JSONObjectReader? {
        guard let value = value(key, required: required) else { return nil }
        return JSONObjectReader(value, path: path(key), problems: problems)
    }

    /// The elements of an array with their paths (`routes[2]`).
    func array(_ key: String, required: Bool = true) -> [(path: String, value: JSONValue)]? {
        guard let value = value(key, required: required) else { return nil }
        guard case .array(let elements) = value else {
            mismatch(key, expected: "an array", found: value)
            return nil
        }
        let base = path(key)
        return elements.enumerated().map { (path: "\(base)[\($0.offset)]", value: $0.element) }
    }

    /// An array of strings; elements of another type are reported and skipped.
    func strings(_ key: String, required: Bool = true) -> [(path: String, value: String)]? {
        guard let elements = array(key, required: required) else { return nil }
        var out: [(path: String, value: String)] = []
        for element in elements {
            guard case .string(let string) = element.value else {
                problems.add(element.path, "type", "expected a string, found \(element.value.kindName)")
                continue
            }
            out.append((element.path, string))
        }
        return out
    }
}
