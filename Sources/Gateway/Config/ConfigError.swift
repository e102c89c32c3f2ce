import Messages

/// Why a configuration could not be loaded: every problem found, each with its JSON path.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// The problems, in document order as far as it is known.
    public var problems: [ValidationProblem]

    /// Wraps the problems found.
    public init(problems: [ValidationProblem]) { self.problems = problems }

    /// One problem per line: `agencies[3].auth.certificate: file not found`.
    public var description: String {
        problems.map { "\($0.field): \($0.message)" }.joined(separator: "\n")
    }
}
