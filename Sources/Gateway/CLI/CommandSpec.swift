/// What a (sub)command accepts: the parser checks arguments against it and renders `--help` from it.
public struct CommandSpec: Sendable {
    /// One `--option`: a flag when ``valueName`` is nil, else it takes a value.
    public struct Option: Sendable {
        /// Long name with dashes, e.g. `--config`.
        public var name: String
        /// Optional short alias, e.g. `-c`.
        public var short: String?
        /// Placeholder for the value in help (`PATH`); nil for a flag.
        public var valueName: String?
        /// One line of help.
        public var help: String
        /// Whether it may be given several times (all values kept).
        public var repeatable: Bool
        /// Whether it must be given (e.g. `push --as AGENCY`).
        public var required: Bool = false

        /// An option taking a value.
        public static func value(
            _ name: String, _ valueName: String, short: String? = nil, repeatable: Bool = false, required: Bool = false,
            _ help: String
        ) -> Option {
            Option(name: name, short: short, valueName: valueName, help: help, repeatable: repeatable, required: required)
        }

        /// A flag.
        public static func flag(_ name: String, short: String? = nil, _ help: String) -> Option {
            Option(name: name, short: short, valueName: nil, help: help, repeatable: false)
        }
    }

    /// One positional argument.
    public struct Positional: Sendable {
        /// Placeholder, e.g. `DIR`.
        public var name: String
        /// One line of help.
        public var help: String
        /// Whether it may be left out.
        public var optional: Bool
        /// Whether it takes every remaining argument (`FILE...`); must be last.
        public var variadic: Bool

        /// A positional argument.
        public init(_ name: String, _ help: String, optional: Bool = false, variadic: Bool = false) {
            self.name = name
            self.help = help
            self.optional = optional
            self.variadic = variadic
        }
    }

    /// The words that invoke it, e.g. `["interchange", "certs", "init"]`.
    public var path: [String]
    /// One line saying what it does.
    public var summary: String
    /// Positional arguments in order.
    public var positionals: [Positional]
    /// Options (`--help` is implicit).
    public var options: [Option]
    /// Subcommands as (name, summary), for help and dispatch.
    public var subcommands: [(name: String, summary: String)]
    /// Further paragraphs of help (examples, exit codes).
    public var details: String?

    /// Creates a spec.
    public init(
        path: [String], summary: String, positionals: [Positional] = [], options: [Option] = [],
        subcommands: [(name: String, summary: String)] = [], details: String? = nil
    ) {
        self.path = path
        self.summary = summary
        self.positionals = positionals
        self.options = options
        self.subcommands = subcommands
        self.details = details
    }

    /// The command as typed, e.g. `interchange certs init`.
    public var commandLine: String { path.joined(separator: " ") }

    /// The synopsis line, e.g. `interchange certs init DIR [options]`.
    public var usage: String {
        var words = [commandLine]
        if !subcommands.isEmpty { words.append(positionals.isEmpty && options.isEmpty ? "<command>" : "[<command>]") }
        for positional in positionals {
            let name = positional.variadic ? "\(positional.name)..." : positional.name
            words.append(positional.optional ? "[\(name)]" : name)
        }
        for option in options where option.required {
            words.append("\(option.name) \(option.valueName ?? "")")
        }
        words.append("[options]")
        return words.joined(separator: " ")
    }

    /// The full `--help` text.
    public var helpText: String {
        var lines = ["\(commandLine) — \(summary)", "", "USAGE: \(usage)"]
        func table(_ title: String, _ rows: [(String, String)]) {
            guard !rows.isEmpty else { return }
            lines += ["", "\(title):"]
            let width = min(28, rows.map(\.0.count).max() ?? 0)
            for (left, right) in rows {
                let padded = left.count >= width ? left + "  " : left + String(repeating: " ", count: width - left.count + 2)
                lines.append("  " + padded + right)
            }
        }
        table("COMMANDS", subcommands.map { ($0.name, $0.summary) })
        table("ARGUMENTS", positionals.map { ($0.variadic ? "\($0.name)..." : $0.name, $0.help) })
        var optionRows = options.map { option -> (String, String) in
            var left = option.short.map { "\($0), \(option.name)" } ?? option.name
            if let value = option.valueName { left += " \(value)" }
            return (left, option.help)
        }
        optionRows.append(("-h, --help", "show this help"))
        table("OPTIONS", optionRows)
        if !subcommands.isEmpty { lines += ["", "Run '\(commandLine) <command> --help' for a command's options."] }
        if let details { lines += ["", details] }
        return lines.joined(separator: "\n") + "\n"
    }
}
