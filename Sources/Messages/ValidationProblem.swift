/// One thing wrong with an input, named by the field it concerns.
public struct ValidationProblem: Hashable, Sendable, Codable {
    /// The field, in the sender's own naming (e.g. `SO_CCCD`, `items[3].MA_LK`, `agencies[2].id`).
    public var field: String
    /// A stable machine-readable code, e.g. `required`, `format`, `too_long`.
    public var code: String
    /// A sentence for people.
    public var message: String

    /// Creates a problem.
    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }

    /// The same problem with its field prefixed, e.g. `items[2].` + `MA_LK`.
    public func prefixed(_ prefix: String) -> ValidationProblem {
        ValidationProblem(field: prefix + field, code: code, message: message)
    }
}
