import Gateway

/// Commands whose modules are not built yet. Each receives its checked arguments; the lead replaces
/// these bodies as the pieces land.
extension CLI {
    /// `interchange demo`.
    static func demo(_ arguments: ParsedArguments) -> Int32 { notBuiltYet("demo") }
    /// `interchange simulate`.
    static func simulate(_ arguments: ParsedArguments) -> Int32 { notBuiltYet("simulate") }

    private static func notBuiltYet(_ command: String) -> Int32 {
        printErr("interchange \(command): not built yet\n")
        return failure
    }
}
