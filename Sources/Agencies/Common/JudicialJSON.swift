import Foundation
import Messages

/// Body-level decoding and canonical encoding shared by the judicial adapters.
enum JudicialJSON {
    /// Parses a JSON body that is one object or an array of at most `maxItems` objects.
    ///
    /// - Throws: ``DecodeFailure`` 415 (not JSON media type), 400 (not JSON, empty array),
    ///   413 (too many items).
    static func items(
        _ body: [UInt8], contentType: String, maxItems: Int, noun: String
    ) throws(DecodeFailure) -> (items: [Any], isBatch: Bool) {
        guard contentType == "application/json" else {
            throw DecodeFailure(status: 415, detail: "\(noun) are application/json")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        } catch {
            throw DecodeFailure(status: 400, detail: "body is not JSON", problems: [
                ValidationProblem(field: "body", code: "json", message: "the body is not valid JSON"),
            ])
        }
        if let array = parsed as? [Any] {
            guard !array.isEmpty else {
                throw DecodeFailure(status: 400, detail: "empty array", problems: [
                    ValidationProblem(field: "body", code: "empty", message: "the array holds no \(noun)"),
                ])
            }
            guard array.count <= maxItems else {
                throw DecodeFailure(status: 413, detail: "at most \(maxItems) \(noun) per request", problems: [
                    ValidationProblem(field: "body", code: "too_many", message: "\(array.count) items, limit \(maxItems)"),
                ])
            }
            return (array, true)
        }
        return ([parsed], false)
    }

    /// Deterministic JSON: sorted keys, unescaped slashes (judgment numbers keep their `/`).
    static func canonical(_ value: [String: Any]) -> [UInt8] {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        else { preconditionFailure("invariant: canonical values are strings, numbers, booleans, null, arrays, objects") }
        return Array(data)
    }

    /// A JSON string literal for `text`, quotes included.
    static func quoted(_ text: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }
}

extension JudicialJSON {
    /// `2026-12-03T18:49:36.123Z`: UTC with milliseconds, the form outbound envelopes use.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let whole = date.timeIntervalSince1970.rounded(.down)
        let millis = min(999, Int(((date.timeIntervalSince1970 - whole) * 1000).rounded(.down)))
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T"
            + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2)).\(pad(millis, 3))Z"
    }
}
