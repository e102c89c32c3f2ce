/// A canonical visit body that cannot be read back (a store or programming error, never sender input).
public struct VisitRecordError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let detail: String
    /// Creates an error.
    public init(detail: String) { self.detail = detail }
    /// The error for logs.
    public var description: String { "VisitRecordError: \(detail)" }
}
