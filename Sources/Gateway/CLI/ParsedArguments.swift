/// Arguments checked against a ``CommandSpec``.
public struct ParsedArguments: Sendable, Equatable {
    /// Values of value-taking options by long name, in the order given.
    public var values: [String: [String]] = [:]
    /// Flags given, by long name.
    public var flags: Set<String> = []
    /// Positional arguments in order.
    public var positionals: [String] = []
    /// The command these belong to, for error messages.
    public var command: String = ""

    /// The last value of an option, e.g. `value("--config")`.
    public func value(_ name: String) -> String? { values[name]?.last }

    /// Every value of a repeatable option.
    public func all(_ name: String) -> [String] { values[name] ?? [] }

    /// Whether a flag was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The value of an option as an integer in `range`.
    ///
    /// - Throws: ``UsageError`` when the value is not such an integer.
    public func int(_ name: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(UsageError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError("\(name) needs an integer in \(range.lowerBound)…\(range.upperBound), got '\(text)'", command: command)
        }
        return number
    }
}
