import HTTPCore
import Messages

/// How one decoded item ended, for receipts.
enum ItemOutcome: Sendable {
    case accepted(MessageID)
    case duplicate(MessageID)
    case conflict(MessageID)
    case rejected([ValidationProblem])
}

/// Renders receipts as DESIGN.md "Receipts" describes.
enum Receipts {
    /// One message: 202 accepted, 200 duplicate, 409 conflict, 422 invalid.
    static func single(_ outcome: ItemOutcome, detail: String?) -> HTTPResponse {
        switch outcome {
        case .accepted(let id):
            var response = HTTPResponse.json(202, receiptBody(id: id, duplicate: false))
            response.headers.add("Location", "/v1/messages/\(id)")
            return response
        case .duplicate(let id):
            var response = HTTPResponse.json(200, receiptBody(id: id, duplicate: true))
            response.headers.add("Location", "/v1/messages/\(id)")
            return response
        case .conflict(let id):
            return .problem(Problem(
                status: 409,
                title: "Idempotency key reused with other content",
                detail: "message \(id) was accepted under this key with different content"
            ))
        case .rejected(let problems):
            return .problem(Problem(
                status: 422,
                title: "Invalid message",
                detail: detail ?? "\(problems.count) problem(s); every one is listed",
                problems: problems.map { Problem.Item(field: $0.field, code: $0.code, message: $0.message) }
            ))
        }
    }

    private static func receiptBody(id: MessageID, duplicate: Bool) -> [UInt8] {
        var json = JSONWriter()
        json.object { o in
            o.field("id", id.rawValue)
            o.field("status", "accepted")
            o.field("duplicate", duplicate)
        }
        return json.bytes
    }

    /// Several items: 200 with counts and one entry per item, each decided on its own.
    static func batch(_ outcomes: [(key: String?, outcome: ItemOutcome)]) -> HTTPResponse {
        var accepted = 0
        var duplicates = 0
        var rejected = 0
        var json = JSONWriter()
        json.object { o in
            for entry in outcomes {
                switch entry.outcome {
                case .accepted: accepted += 1
                case .duplicate: duplicates += 1
                case .conflict, .rejected: rejected += 1
                }
            }
            o.field("accepted", accepted)
            o.field("duplicates", duplicates)
            o.field("rejected", rejected)
            o.array("items") { a in
                for (index, entry) in outcomes.enumerated() {
                    a.object { item in
                        item.field("index", index)
                        item.field("key", entry.key)
                        switch entry.outcome {
                        case .accepted(let id):
                            item.field("id", id.rawValue)
                            item.field("status", "accepted")
                        case .duplicate(let id):
                            item.field("id", id.rawValue)
                            item.field("status", "duplicate")
                        case .conflict(let id):
                            item.field("id", id.rawValue)
                            item.field("status", "conflict")
                            item.array("problems") { p in
                                p.object { problem in
                                    problem.field("field", "key")
                                    problem.field("code", "conflict")
                                    problem.field("message", "key already used with other content")
                                }
                            }
                        case .rejected(let problems):
                            item.field("status", "rejected")
                            item.array("problems") { p in
                                for problem in problems {
                                    p.object { entry in
                                        entry.field("field", problem.field)
                                        entry.field("code", problem.code)
                                        entry.field("message", problem.message)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return .json(200, json.bytes)
    }
}
