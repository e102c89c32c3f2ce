import Gateway

/// Commands whose modules are not built yet. Each receives its checked arguments; the lead replaces
/// these bodies as the pieces land.
extension CLI {
    /// `interchange push FILE... --as AGENCY`.
    static func push(_ arguments: ParsedArguments) -> Int32 { notBuiltYet("push") }
    /// `interchange log`.
    static func log(_ arguments: ParsedArguments) -> Int32 { notBuiltYet("log") }
    /// `interchange log verify`.
    static func logVerify(_ arguments: ParsedArguments) -> Int32 { notBuiltYet("log verify") }
    /// `interchange show ID`.
    static func show(_ arguments: ParsedArguments) -> Int32 { notBuiltYet("show") }
    /// `interchange replay`.
    static func replay(_ arguments: ParsedArguments) -> Int32 { notBuiltYet("replay") }

    private static func notBuiltYet(_ command: String) -> Int32 {
        printErr("interchange \(command): not built yet\n")
        return failure
    }
}
