/// A small strict argument parser: `--name value`, `--name=value`, short aliases, flags, `--` to end
/// options, `-h`/`--help` anywhere. Unknown options are errors, never ignored.
public enum ArgumentParser {
    /// The result of parsing one command's arguments.
    public enum Outcome: Sendable, Equatable {
        /// `-h` or `--help` was given: print ``CommandSpec/helpText`` and exit 0.
        case help
        /// The arguments, checked.
        case parsed(ParsedArguments)
    }

    /// Parses `arguments` (the words after the command path) against `spec`.
    ///
    /// - Throws: ``UsageError`` for an unknown option, a missing value, a repeated option, or too few
    ///   or too many positional arguments.
    public static func parse(_ arguments: [String], spec: CommandSpec) throws(UsageError) -> Outcome {
        var parsed = ParsedArguments(command: spec.commandLine)
        var index = 0
        var optionsEnded = false
        func fail(_ message: String) -> UsageError { UsageError(message, command: spec.commandLine) }

        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if optionsEnded || word == "-" || !word.hasPrefix("-") {
                parsed.positionals.append(word)
                continue
            }
            if word == "--" {
                optionsEnded = true
                continue
            }
            if word == "-h" || word == "--help" { return .help }
            var name = word
            var inlineValue: String?
            if word.hasPrefix("--"), let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                inlineValue = String(word[word.index(after: equals)...])
            }
            guard let option = spec.options.first(where: { $0.name == name || $0.short == name }) else {
                throw fail("unknown option '\(name)'")
            }
            if option.valueName == nil {
                if inlineValue != nil { throw fail("\(option.name) takes no value") }
                parsed.flags.insert(option.name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count, arguments[index] == "-" || !arguments[index].hasPrefix("-") else {
                    throw fail("\(option.name) needs a value (\(option.valueName ?? "VALUE"))")
                }
                value = arguments[index]
                index += 1
            }
            if !option.repeatable, parsed.values[option.name] != nil { throw fail("\(option.name) given twice") }
            parsed.values[option.name, default: []].append(value)
        }

        let required = spec.positionals.filter { !$0.optional }.count
        let variadic = spec.positionals.last?.variadic ?? false
        if parsed.positionals.count < required {
            let missing = spec.positionals[parsed.positionals.count]
            throw fail("missing \(missing.name)")
        }
        if !variadic, parsed.positionals.count > spec.positionals.count {
            let extra = parsed.positionals[spec.positionals.count]
            throw fail(spec.subcommands.isEmpty ? "unexpected argument '\(extra)'" : "unknown command '\(extra)'")
        }
        for option in spec.options where option.required && parsed.values[option.name] == nil {
            throw fail("missing \(option.name) \(option.valueName ?? "")")
        }
        return .parsed(parsed)
    }
}
