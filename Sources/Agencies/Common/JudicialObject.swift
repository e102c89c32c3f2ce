import Foundation
import Messages

/// A JSON object being read, with its path (`person`, `charges[2]`) for problem names.
///
/// Every accessor records what is wrong in the shared ``JudicialProblemSink`` and returns `nil`
/// instead of throwing, so that one pass finds every problem. Strings come back trimmed and
/// NFC-normalised, because senders mix precomposed and decomposed Vietnamese.
struct JudicialObject {
    let values: [String: Any]
    let path: String
    let sink: JudicialProblemSink

    private static let boolType = type(of: NSNumber(value: true))

    /// Wraps `value` when it is an object; otherwise records a `type` problem under `path`.
    static func from(_ value: Any, path: String, sink: JudicialProblemSink) -> JudicialObject? {
        guard let values = value as? [String: Any] else {
            sink.add(path.isEmpty ? "body" : path, "type", "expected a JSON object")
            return nil
        }
        return JudicialObject(values: values, path: path, sink: sink)
    }

    /// The JSON path of a member.
    func field(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// Records `unknown` for every member not in `allowed`.
    func rejectUnknown(_ allowed: Set<String>) {
        for key in values.keys.sorted() where !allowed.contains(key) {
            sink.add(field(key), "unknown", "unknown field")
        }
    }

    /// Whether the member is there and not `null`.
    func isPresent(_ key: String) -> Bool {
        guard let value = values[key] else { return false }
        return !(value is NSNull)
    }

    /// Whether the member is written as `null`.
    func isNull(_ key: String) -> Bool { values[key] is NSNull }

    /// Records `not_applicable` when the member is present.
    func notApplicable(_ key: String, _ reason: String) {
        if values[key] != nil { sink.add(field(key), "not_applicable", reason) }
    }

    /// Records `required` when the member is missing or null.
    func require(_ key: String) {
        if !isPresent(key) { sink.add(field(key), "required", "\(key) is required") }
    }

    /// A non-empty string, trimmed and NFC-normalised, at most `maxLength` characters.
    func string(_ key: String, required: Bool, maxLength: Int = 255) -> String? {
        guard isPresent(key), let raw = values[key] else {
            if required { sink.add(field(key), "required", "\(key) is required") }
            return nil
        }
        guard let text = raw as? String else {
            sink.add(field(key), "type", "\(key) is a string")
            return nil
        }
        let value = JudicialText.normalised(text)
        if value.isEmpty {
            if required { sink.add(field(key), "required", "\(key) must not be empty") }
            return nil
        }
        if value.count > maxLength {
            sink.add(field(key), "too_long", "at most \(maxLength) characters")
            return nil
        }
        return value
    }

    /// A string that must satisfy `isValid`, else a `format` problem with `expected`.
    func formatted(
        _ key: String, required: Bool, maxLength: Int = 255, expected: String, _ isValid: (String) -> Bool
    ) -> String? {
        guard let value = string(key, required: required, maxLength: maxLength) else { return nil }
        guard isValid(value) else {
            sink.add(field(key), "format", "expected \(expected)")
            return nil
        }
        return value
    }

    /// A string from a fixed list, else `code_list`.
    func code(_ key: String, required: Bool, allowed: [String]) -> String? {
        guard let value = string(key, required: required, maxLength: 64) else { return nil }
        guard allowed.contains(value) else {
            sink.add(field(key), "code_list", "\(value) is not one of \(allowed.joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// A two-digit province code (`01`, `46`, `79`), else `code_list`.
    func province(_ key: String, required: Bool) -> String? {
        guard let value = string(key, required: required, maxLength: 8) else { return nil }
        guard Provinces.isValid(value) else {
            sink.add(field(key), "code_list", "\(value) is not a two-digit province code")
            return nil
        }
        return value
    }

    /// A whole number in `range`, else `type` or `range`.
    func integer(_ key: String, required: Bool, range: ClosedRange<Int>) -> Int? {
        guard isPresent(key), let raw = values[key] else {
            if required { sink.add(field(key), "required", "\(key) is required") }
            return nil
        }
        guard let number = raw as? NSNumber, type(of: number) != Self.boolType,
            let value = Int(exactly: number.doubleValue), Double(value) == number.doubleValue
        else {
            sink.add(field(key), "type", "\(key) is a whole number")
            return nil
        }
        guard range.contains(value) else {
            sink.add(field(key), "range", "\(key) must be \(range.lowerBound)…\(range.upperBound)")
            return nil
        }
        return value
    }

    /// `true` or `false`, else `type`.
    func bool(_ key: String, required: Bool = false) -> Bool? {
        guard isPresent(key), let raw = values[key] else {
            if required { sink.add(field(key), "required", "\(key) is required") }
            return nil
        }
        guard let number = raw as? NSNumber, type(of: number) == Self.boolType else {
            sink.add(field(key), "type", "\(key) is true or false")
            return nil
        }
        return number.boolValue
    }

    /// A `YYYY-MM-DD` date, else `invalid_date`; with `notAfter`, a later date is `future`.
    func day(_ key: String, required: Bool, notAfter today: JudicialDay? = nil) -> JudicialDay? {
        guard let text = string(key, required: required, maxLength: 10) else { return nil }
        guard let value = JudicialDay(text) else {
            sink.add(field(key), "invalid_date", "\(text) is not a real date written YYYY-MM-DD")
            return nil
        }
        if let today, value > today {
            sink.add(field(key), "future", "\(text) is after today (\(today))")
            return nil
        }
        return value
    }

    /// An ISO-8601 date-time with a zone (`2026-11-02T09:15:00+07:00`), else `format`; later than
    /// `now` plus five minutes of clock skew is `future`.
    func timestamp(_ key: String, required: Bool, now: Date) -> (text: String, date: Date)? {
        guard let text = string(key, required: required, maxLength: 40) else { return nil }
        guard let date = JudicialText.timestamp(text) else {
            sink.add(field(key), "format", "expected an ISO-8601 date-time with zone, e.g. 2026-11-02T09:15:00+07:00")
            return nil
        }
        if date.timeIntervalSince(now) > 300 {
            sink.add(field(key), "future", "\(text) is in the future")
            return nil
        }
        return (text, date)
    }

    /// A nested object, else `type`.
    func object(_ key: String, required: Bool) -> JudicialObject? {
        guard isPresent(key), let raw = values[key] else {
            if required { sink.add(field(key), "required", "\(key) is required") }
            return nil
        }
        return JudicialObject.from(raw, path: field(key), sink: sink)
    }

    /// An array, else `type`; an empty array with `nonEmpty` is `required`.
    func array(_ key: String, required: Bool, nonEmpty: Bool = false, maxCount: Int = 100) -> [Any]? {
        guard isPresent(key), let raw = values[key] else {
            if required { sink.add(field(key), "required", "\(key) is required") }
            return nil
        }
        guard let items = raw as? [Any] else {
            sink.add(field(key), "type", "\(key) is an array")
            return nil
        }
        if nonEmpty, items.isEmpty {
            sink.add(field(key), "required", "\(key) needs at least one entry")
            return nil
        }
        if items.count > maxCount {
            sink.add(field(key), "too_many", "at most \(maxCount) entries")
            return nil
        }
        return items
    }

    /// The objects of an array member, each with its indexed path (`charges[1]`).
    func objects(_ key: String, required: Bool, nonEmpty: Bool = false, maxCount: Int = 100) -> [JudicialObject]? {
        guard let items = array(key, required: required, nonEmpty: nonEmpty, maxCount: maxCount) else { return nil }
        var result: [JudicialObject] = []
        for (index, item) in items.enumerated() {
            if let object = JudicialObject.from(item, path: "\(field(key))[\(index)]", sink: sink) {
                result.append(object)
            }
        }
        return result
    }
}
