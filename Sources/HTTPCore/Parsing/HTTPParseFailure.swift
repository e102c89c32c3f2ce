/// Why a request was rejected: the status to answer with (the connection then closes) and a reason for people.
public struct HTTPParseFailure: Error, Sendable, Equatable, ProblemConvertible {
    /// 400, 413, 431, 501 or 505.
    public var status: Int
    /// What was wrong, e.g. `bare LF in head`.
    public var reason: String

    /// Creates a failure.
    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }

    /// The problem document sent to the client.
    public var problem: Problem { Problem(status: status, detail: reason) }

    /// Equal when the statuses are equal; the reason is informative only.
    public static func == (lhs: HTTPParseFailure, rhs: HTTPParseFailure) -> Bool { lhs.status == rhs.status }
}
