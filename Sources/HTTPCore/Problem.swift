/// An RFC 9457 problem document. Exactly one place renders it: ``HTTPResponse/problem(_:)``.
public struct Problem: Error, Sendable, Equatable {
    /// One field-named problem inside a validation failure.
    public struct Item: Sendable, Equatable {
        /// The field, e.g. `SO_CCCD` or `items[2].MA_LK`.
        public var field: String
        /// A stable code, e.g. `format`.
        public var code: String
        /// A sentence for people.
        public var message: String
        /// Creates an item.
        public init(field: String, code: String, message: String) {
            self.field = field
            self.code = code
            self.message = message
        }
    }

    /// The HTTP status.
    public var status: Int
    /// A URI naming the problem type; relative to the gateway's problem catalogue.
    public var type: String
    /// A short summary of the type.
    public var title: String
    /// What happened this time.
    public var detail: String?
    /// Field-named problems, for validation failures.
    public var problems: [Item]
    /// Extra response headers, e.g. `Retry-After`.
    public var headers: [(String, String)]

    /// Creates a problem; `type` defaults to a slug of the title under `/problems/`.
    public init(
        status: Int,
        title: String? = nil,
        detail: String? = nil,
        type: String? = nil,
        problems: [Item] = [],
        headers: [(String, String)] = []
    ) {
        let title = title ?? HTTPResponse.reason(status)
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type ?? "/problems/" + Problem.slug(title)
        self.problems = problems
        self.headers = headers
    }

    public static func == (lhs: Problem, rhs: Problem) -> Bool {
        lhs.status == rhs.status && lhs.type == rhs.type && lhs.title == rhs.title && lhs.detail == rhs.detail
            && lhs.problems == rhs.problems
    }

    private static func slug(_ title: String) -> String {
        var out = ""
        var lastDash = true
        for scalar in title.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                out.unicodeScalars.append(scalar)
                lastDash = false
            } else if !lastDash {
                out.append("-")
                lastDash = true
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }
}

/// An error that knows the problem document it should be answered with.
public protocol ProblemConvertible: Error {
    /// The problem to send.
    var problem: Problem { get }
}

extension Problem: ProblemConvertible {
    public var problem: Problem { self }
}

extension HTTPResponse {
    /// Renders a problem as `application/problem+json`.
    public static func problem(_ problem: Problem) -> HTTPResponse {
        var json = JSONWriter()
        json.object { o in
            o.field("type", problem.type)
            o.field("title", problem.title)
            o.field("status", problem.status)
            if let detail = problem.detail { o.field("detail", detail) }
            if !problem.problems.isEmpty {
                o.array("problems") { a in
                    for item in problem.problems {
                        a.object { p in
                            p.field("field", item.field)
                            p.field("code", item.code)
                            p.field("message", item.message)
                        }
                    }
                }
            }
        }
        var headers = HTTPHeaders([("Content-Type", "application/problem+json")])
        for (name, value) in problem.headers { headers.add(name, value) }
        return HTTPResponse(status: problem.status, headers: headers, body: json.bytes)
    }
}
