import Foundation
import Gateway

/// The `interchange` command line: finds the (sub)command, parses its arguments against its
/// ``CommandSpec`` and runs it. Exit codes: 0 ok, 1 failure, 2 usage.
enum CLI {
    /// Exit status of a successful run.
    static let ok: Int32 = 0
    /// Exit status of a failed run.
    static let failure: Int32 = 1
    /// Exit status of a command-line mistake.
    static let usage: Int32 = 2

    /// The version printed by `--version`.
    static let version = "0.1.0"

    /// A node of the command tree: its spec, its subcommands and what it does (nil for pure groups).
    struct Command: Sendable {
        var spec: CommandSpec
        var children: [Command] = []
        var action: (@Sendable (ParsedArguments) -> Int32)?
    }

    /// Runs the process's arguments and exits with the command's status.
    static func main() -> Never {
        exit(run(CommandLine.arguments))
    }

    /// Runs `arguments` (argv, including the program name) and returns the exit status.
    static func run(_ arguments: [String]) -> Int32 {
        dispatch(Array(arguments.dropFirst()), command: tree)
    }

    private static func dispatch(_ words: [String], command: Command) -> Int32 {
        if let first = words.first, let child = command.children.first(where: { $0.spec.path.last == first }) {
            return dispatch(Array(words.dropFirst()), command: child)
        }
        let outcome: ArgumentParser.Outcome
        do {
            outcome = try ArgumentParser.parse(words, spec: command.spec)
        } catch {
            return usageError(error, spec: command.spec)
        }
        switch outcome {
        case .help:
            printOut(command.spec.helpText)
            return ok
        case .parsed(let arguments):
            if let action = command.action { return action(arguments) }
            if arguments.flag("--version") {
                printOut("interchange \(version)\n")
                return ok
            }
            if let word = arguments.positionals.first {
                return usageError(UsageError("unknown command '\(word)'", command: command.spec.commandLine), spec: command.spec)
            }
            printErr(command.spec.helpText)
            return usage
        }
    }

    /// Prints a usage error and the command's synopsis to stderr; returns 2.
    static func usageError(_ error: UsageError, spec: CommandSpec) -> Int32 {
        printErr("\(error)\nUSAGE: \(spec.usage)\nRun '\(spec.commandLine) --help' for details.\n")
        return usage
    }

    /// Writes to stdout.
    static func printOut(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes to stderr.
    static func printErr(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// The default configuration path, relative to the current directory.
    static let defaultConfig = "config/gateway.json"

    /// `--config PATH`, shared by nearly every command.
    static let configOption = CommandSpec.Option.value("--config", "PATH", short: "-c", "configuration file (default: \(defaultConfig))")
}
