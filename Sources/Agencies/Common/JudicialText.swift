import Foundation

/// Text helpers shared by the judicial adapters: normalisation, date-times, document numbers.
enum JudicialText {
    /// Trimmed and NFC-normalised, so that `Nguyễn` typed precomposed or decomposed is one value.
    static func normalised(_ text: String) -> String {
        let trimmed: String
        if let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
            !first.properties.isWhitespace, !last.properties.isWhitespace
        {
            trimmed = text
        } else {
            trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // Fast path: Latin-1 and Latin Extended Additional (precomposed Vietnamese) are
        // NFC-stable, so text made only of them needs no Foundation call.
        let isStable = trimmed.unicodeScalars.allSatisfy { $0.value < 0x300 || (0x1E00...0x1EFF).contains($0.value) }
        return isStable ? trimmed : trimmed.precomposedStringWithCanonicalMapping
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` strictly.
    static func timestamp(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
            bytes[16] == UInt8(ascii: ":"),
            let day = JudicialDay(String(decoding: bytes[0..<10], as: UTF8.self)),
            let hour = digits(bytes[11..<13]), let minute = digits(bytes[14..<16]), let second = digits(bytes[17..<19]),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == UInt8(ascii: ".") {
            let start = index + 1
            index = start
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            guard index > start, index - start <= 9, let value = Double("0." + String(decoding: bytes[start..<index], as: UTF8.self))
            else { return nil }
            fraction = value
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        if bytes[index] == UInt8(ascii: "Z") {
            guard index + 1 == bytes.count else { return nil }
        } else {
            guard index + 6 == bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
                bytes[index + 3] == UInt8(ascii: ":"),
                let zoneHours = digits(bytes[(index + 1)..<(index + 3)]),
                let zoneMinutes = digits(bytes[(index + 4)..<(index + 6)]), zoneHours <= 14, zoneMinutes < 60
            else { return nil }
            offset = (zoneHours * 3600 + zoneMinutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        }
        let seconds = day.daysSince1970 * 86_400 + hour * 3600 + minute * 60 + second
        let base = Date(timeIntervalSince1970: TimeInterval(seconds))
        return base.addingTimeInterval(fraction - Double(offset))
    }

    /// Whether `text` is a judgment or decision number `n/yyyy/SUFFIX` (`15/2025/HSST`,
    /// `3/2025/HS-GĐT`): 1–5 digits, a year 1990…`maxYear`, and 2–12 of `A`–`Z`, `Đ`, `-`.
    static func isDocumentNumber(_ text: String, maxYear: Int) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3,
            (1...5).contains(parts[0].utf8.count), parts[0].utf8.allSatisfy(isDigit),
            parts[1].utf8.count == 4, parts[1].utf8.allSatisfy(isDigit),
            let year = Int(parts[1]), (1990...maxYear).contains(year)
        else { return false }
        let suffix = parts[2].unicodeScalars
        return (2...12).contains(suffix.count)
            && suffix.allSatisfy { ("A"..."Z").contains($0) || $0 == "Đ" || $0 == "-" }
    }

    /// The suffix of a document number (`HSST` of `15/2025/HSST`).
    static func documentSuffix(_ text: String) -> String {
        text.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
    }

    /// Whether `text` is an agency code: 2–20 of `A`–`Z`, `0`–`9`, `.`, `_`, `-`, starting alphanumeric.
    static func isAgencyCode(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (2...20).contains(bytes.count), isUpperAlnum(bytes[0]) else { return false }
        return bytes.allSatisfy { isUpperAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// Whether `text` is a reference number: 1–50 of ASCII letters, digits, `/`, `.`, `_`, `-`.
    static func isReference(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...50).contains(bytes.count) else { return false }
        return bytes.allSatisfy {
            isUpperAlnum($0) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z"))
                || [UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-")].contains($0)
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isUpperAlnum(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
