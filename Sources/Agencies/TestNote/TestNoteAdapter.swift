import Foundation
import Messages

/// A small message type, `test.note`, for exercising the durable core on its own (crash tests,
/// benchmarks) without any agency's format: `{"key": "...", "text": "...", "province": "01"}`.
public struct TestNoteAdapter: InboundAdapter {
    /// The type produced.
    public let messageType: MessageType = "test.note"
    /// Largest number of notes in one array.
    public let maxItems: Int

    /// Creates the adapter.
    public init(maxItems: Int = 1000) { self.maxItems = maxItems }

    public func decode(_ body: [UInt8], contentType: String, sender: SenderContext) throws(DecodeFailure) -> DecodeResult {
        guard contentType == "application/json" else {
            throw DecodeFailure(status: 415, detail: "test notes are application/json")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(body), options: [])
        } catch {
            throw DecodeFailure(status: 400, detail: "body is not JSON", problems: [
                ValidationProblem(field: "body", code: "json", message: "the body is not valid JSON"),
            ])
        }
        if let array = parsed as? [Any] {
            // Like every other adapter: an empty batch is a malformed body, not a 200 with no receipts.
            guard !array.isEmpty else {
                throw DecodeFailure(status: 400, detail: "empty array", problems: [
                    ValidationProblem(field: "body", code: "required", message: "send at least one note"),
                ])
            }
            guard array.count <= maxItems else {
                throw DecodeFailure(status: 413, detail: "at most \(maxItems) notes per request", problems: [
                    ValidationProblem(field: "body", code: "too_many", message: "\(array.count) items, limit \(maxItems)"),
                ])
            }
            return DecodeResult(items: array.map { decodeOne($0, sender: sender) }, isBatch: true)
        }
        return DecodeResult(items: [decodeOne(parsed, sender: sender)], isBatch: false)
    }

    private func decodeOne(_ value: Any, sender: SenderContext) -> DecodedItem {
        guard let object = value as? [String: Any] else {
            return .invalid(key: nil, [ValidationProblem(field: "body", code: "type", message: "a note is a JSON object")])
        }
        var problems: [ValidationProblem] = []
        let key = object["key"] as? String ?? ""
        let text = object["text"] as? String ?? ""
        let province = object["province"] as? String
        if key.isEmpty { problems.append(ValidationProblem(field: "key", code: "required", message: "key is required")) }
        if key.count > 100 { problems.append(ValidationProblem(field: "key", code: "too_long", message: "at most 100 characters")) }
        if text.isEmpty { problems.append(ValidationProblem(field: "text", code: "required", message: "text is required")) }
        if let province, Provinces.name(of: province) == nil {
            problems.append(ValidationProblem(field: "province", code: "code_list", message: "\(province) is not a province code"))
        }
        for name in object.keys where !["key", "text", "province"].contains(name) {
            problems.append(ValidationProblem(field: name, code: "unknown", message: "unknown field"))
        }
        guard problems.isEmpty else { return .invalid(key: key.isEmpty ? nil : key, problems) }
        var canonical: [String: String] = ["key": key, "text": text]
        if let province { canonical["province"] = province }
        let body = (try? JSONSerialization.data(withJSONObject: canonical, options: [.sortedKeys])).map { Array($0) } ?? []
        var attributes: [String: String] = [:]
        if let province { attributes["province"] = province }
        let message = CanonicalMessage(
            type: messageType,
            sender: sender.agency,
            idempotencyKey: key,
            businessKeys: [BusinessKey(kind: "key", value: key)],
            correlationId: sender.correlationId,
            body: body,
            attributes: attributes
        )
        return .valid(message)
    }
}
