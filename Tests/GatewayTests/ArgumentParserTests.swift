import Gateway
import Testing

@Suite struct ArgumentParserTests {
    private let spec = CommandSpec(
        path: ["interchange", "push"], summary: "send files",
        positionals: [CommandSpec.Positional("FILE", "files", variadic: true)],
        options: [
            .value("--as", "AGENCY", required: true, "sender"),
            .value("--config", "PATH", short: "-c", "config"),
            .value("--header", "H", repeatable: true, "extra header"),
            .value("--concurrency", "N", "in flight"),
            .flag("--force", "overwrite"),
        ]
    )

    private func parsed(_ words: [String]) throws -> ParsedArguments {
        guard case .parsed(let arguments) = try ArgumentParser.parse(words, spec: spec) else {
            throw UsageError("help", command: "test")
        }
        return arguments
    }

    private func usageError(_ words: [String]) -> String? {
        do {
            _ = try ArgumentParser.parse(words, spec: spec)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func valuesFlagsAndPositionals() throws {
        let arguments = try parsed(["a.json", "--as", "bv-hue", "-c", "x.json", "b.xml", "--force", "--header=A: 1", "--header", "B"])
        #expect(arguments.positionals == ["a.json", "b.xml"])
        #expect(arguments.value("--as") == "bv-hue")
        #expect(arguments.value("--config") == "x.json")
        #expect(arguments.all("--header") == ["A: 1", "B"])
        #expect(arguments.flag("--force"))
        #expect(!arguments.flag("--nothing"))
    }

    @Test func doubleDashEndsOptions() throws {
        let arguments = try parsed(["--as", "x", "--", "--force", "-"])
        #expect(arguments.positionals == ["--force", "-"])
        #expect(!arguments.flag("--force"))
    }

    @Test func helpAnywhere() throws {
        #expect(try ArgumentParser.parse(["--help"], spec: spec) == .help)
        #expect(try ArgumentParser.parse(["a.json", "-h", "--bogus"], spec: spec) == .help)
        let help = spec.helpText
        #expect(help.hasPrefix("interchange push — send files"))
        #expect(help.contains("USAGE: interchange push FILE... --as AGENCY [options]"))
        #expect(help.contains("-c, --config PATH"))
        #expect(help.contains("-h, --help"))
    }

    @Test func usageErrors() {
        #expect(usageError(["a", "--as", "x", "--frce"]) == "unknown option '--frce'")
        #expect(usageError(["a", "--as", "x", "-x"]) == "unknown option '-x'")
        #expect(usageError(["a", "--as"]) == "--as needs a value (AGENCY)")
        #expect(usageError(["a", "--as", "--force"]) == "--as needs a value (AGENCY)")
        #expect(usageError(["a"]) == "missing --as AGENCY")
        #expect(usageError(["--as", "x"]) == "missing FILE")
        #expect(usageError(["a", "--as", "x", "--force=yes"]) == "--force takes no value")
        #expect(usageError(["a", "--as", "x", "--as", "y"]) == "--as given twice")
    }

    @Test func tooManyPositionalsAndUnknownCommands() {
        let single = CommandSpec(path: ["interchange", "show"], summary: "show", positionals: [CommandSpec.Positional("ID", "id")])
        #expect(throws: UsageError("unexpected argument 'b'", command: "interchange show")) {
            try ArgumentParser.parse(["a", "b"], spec: single)
        }
        let group = CommandSpec(path: ["interchange", "certs"], summary: "pki", subcommands: [("init", "i"), ("list", "l")])
        #expect(throws: UsageError("unknown command 'lst'", command: "interchange certs")) {
            try ArgumentParser.parse(["lst"], spec: group)
        }
        #expect(group.helpText.contains("COMMANDS:\n  init"))
    }

    @Test func integerOptions() throws {
        let arguments = try parsed(["a", "--as", "x", "--concurrency", "300"])
        #expect(throws: UsageError.self) { try arguments.int("--concurrency", in: 1...256) }
        #expect(try parsed(["a", "--as", "x", "--concurrency", "16"]).int("--concurrency", in: 1...256) == 16)
        #expect(try arguments.int("--missing") == nil)
    }
}
