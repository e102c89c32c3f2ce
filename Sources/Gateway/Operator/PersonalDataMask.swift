import Messages

/// Masks personal data for operators with the `viewer` role (Decree 13/2023: least exposure).
///
/// Pure functions: citizen ID numbers keep their first and last three digits (`001******345`), person names
/// shrink to initials (`N.V.A.`), and any run of exactly 12 ASCII digits in free text or JSON is treated as a
/// citizen ID number. Longer or shorter digit runs (timestamps, status codes) are left alone.
public enum PersonalDataMask {
    /// The business-key kinds and attribute names that hold a person's name.
    public static let nameKinds: Set<String> = ["name", "fullName", "full_name", "ho_ten"]
    /// The business-key kinds that hold a citizen ID number.
    public static let citizenKinds: Set<String> = ["citizen", "cccd"]

    /// `001234567345` → `001******345`; values of 6 characters or fewer become all stars.
    public static func citizenID(_ value: String) -> String {
        let characters = Array(value)
        guard characters.count > 6 else { return String(repeating: "*", count: characters.count) }
        return String(characters.prefix(3)) + String(repeating: "*", count: characters.count - 6)
            + String(characters.suffix(3))
    }

    /// `Nguyễn Văn An` → `N.V.A.`; an empty name stays empty.
    public static func initials(_ name: String) -> String {
        name.split(whereSeparator: \.isWhitespace).compactMap(\.first).map { "\($0.uppercased())." }.joined()
    }

    /// A business key as a viewer sees it: citizen numbers masked, names as initials, 12-digit runs masked.
    public static func businessKey(_ key: BusinessKey) -> BusinessKey {
        if citizenKinds.contains(key.kind) { return BusinessKey(kind: key.kind, value: citizenID(key.value)) }
        if nameKinds.contains(key.kind) { return BusinessKey(kind: key.kind, value: initials(key.value)) }
        return BusinessKey(kind: key.kind, value: digitRuns(key.value))
    }

    /// Routing attributes as a viewer sees them: names as initials, 12-digit runs masked.
    public static func attributes(_ attributes: [String: String]) -> [String: String] {
        attributes.reduce(into: [:]) { result, pair in
            result[pair.key] = nameKinds.contains(pair.key) ? initials(pair.value) : digitRuns(pair.value)
        }
    }

    /// Masks every run of exactly 12 ASCII digits in free text.
    public static func digitRuns(_ text: String) -> String {
        var bytes = Array(text.utf8)
        guard maskRuns(&bytes, in: 0..<bytes.count) else { return text }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Masks 12-digit runs in a JSON document and keeps it valid JSON: inside strings the digits are
    /// replaced in place; a bare number holding such a run becomes a string (`123456789012` → `"123******012"`).
    public static func json(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var changed = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote {
                // Copy the whole string literal, then mask digit runs inside it (escapes hold no digits that matter).
                var end = index + 1
                while end < bytes.count && bytes[end] != quote {
                    end += bytes[end] == backslash ? 2 : 1
                }
                end = min(end + 1, bytes.count)
                var literal = Array(bytes[index..<end])
                if maskRuns(&literal, in: 1..<max(1, literal.count - 1)) { changed = true }
                out += literal
                index = end
            } else if isNumberByte(byte) {
                var end = index
                while end < bytes.count && isNumberByte(bytes[end]) { end += 1 }
                var token = Array(bytes[index..<end])
                if maskRuns(&token, in: 0..<token.count) {
                    changed = true
                    out.append(quote)
                    out += token
                    out.append(quote)
                } else {
                    out += token
                }
                index = end
            } else {
                out.append(byte)
                index += 1
            }
        }
        return changed ? String(decoding: out, as: UTF8.self) : text
    }

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")
    private static let star = UInt8(ascii: "*")

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    }

    /// Replaces the middle six digits of each maximal 12-digit run in `range`; returns whether any was found.
    private static func maskRuns(_ bytes: inout [UInt8], in range: Range<Int>) -> Bool {
        var found = false
        var index = range.lowerBound
        while index < range.upperBound {
            guard isDigit(bytes[index]) else {
                index += 1
                continue
            }
            var end = index
            while end < range.upperBound && isDigit(bytes[end]) { end += 1 }
            if end - index == 12 {
                for position in (index + 3)..<(end - 3) { bytes[position] = star }
                found = true
            }
            index = end
        }
        return found
    }
}
