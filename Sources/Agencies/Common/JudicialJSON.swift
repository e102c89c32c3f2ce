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

    /// Deterministic JSON: sorted keys, no whitespace, unescaped slashes (judgment numbers keep
    /// their `/`), non-ASCII as UTF-8. Written by hand because `JSONSerialization` costs about
    /// a tenth of a millisecond per verdict.
    private static let boolType = type(of: NSNumber(value: true))

    static func canonical(_ value: [String: Any]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(value, to: &out)
        return out
    }

    private static func write(_ value: Any, to out: inout [UInt8]) {
        switch value {
        case let text as String:
            out += quoted(text)
        case let object as [String: Any]:
            out.append(UInt8(ascii: "{"))
            for (index, entry) in object.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += quoted(entry.key)
                out.append(UInt8(ascii: ":"))
                write(entry.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let array as [Any]:
            out.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let flag as Bool where type(of: value) == Bool.self:
            out += Array((flag ? "true" : "false").utf8)
        case let number as Int where type(of: value) == Int.self:
            out += Array(String(number).utf8)
        case is NSNull:
            out += Array("null".utf8)
        case let number as NSNumber:
            // Values parsed back by JSONSerialization (the encoders re-wrap stored bodies).
            if type(of: number) == boolType {
                out += Array((number.boolValue ? "true" : "false").utf8)
            } else if let whole = Int(exactly: number.doubleValue) {
                out += Array(String(whole).utf8)
            } else {
                out += Array(String(number.doubleValue).utf8)
            }
        default:
            preconditionFailure("invariant: canonical values are strings, numbers, booleans, null, arrays and objects")
        }
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
        let whole = date.timeIntervalSince1970.rounded(.down)
        let millis = min(999, Int(((date.timeIntervalSince1970 - whole) * 1000).rounded(.down)))
        let seconds = Int(whole)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let civil = JudicialDay(daysSince1970: days)
        let parts = (year: civil?.year ?? 1900, month: civil?.month ?? 1, day: civil?.day ?? 1, hour: secondOfDay / 3600,
                     minute: secondOfDay % 3600 / 60, second: secondOfDay % 60)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T"
            + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2)).\(pad(millis, 3))Z"
    }
}
