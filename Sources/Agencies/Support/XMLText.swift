/// Escaping for the XML that Interchange writes (claim envelopes, rebuilt XML1 tables).
public enum XMLText {
    /// `value` with `&`, `<`, `>`, `"` and `'` replaced by the predefined entities.
    public static func escape(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return value
        }
        var out = ""
        out.reserveCapacity(value.utf8.count + 16)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Appends `<name>escaped value</name>` (or `<name/>` when empty) to `out`.
    public static func appendElement(_ name: String, _ value: String, into out: inout String) {
        if value.isEmpty {
            out += "<\(name)/>"
        } else {
            out += "<\(name)>\(escape(value))</\(name)>"
        }
    }
}
