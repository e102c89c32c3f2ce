/// The command line was wrong: printed with the command's usage on stderr, exit status 2.
public struct UsageError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What was wrong, e.g. `unknown option '--frce'`.
    public var message: String
    /// The command it concerns, e.g. `interchange certs init`.
    public var command: String

    /// Creates a usage error.
    public init(_ message: String, command: String) {
        self.message = message
        self.command = command
    }

    /// `interchange certs init: unknown option '--frce'`.
    public var description: String { "\(command): \(message)" }
}
