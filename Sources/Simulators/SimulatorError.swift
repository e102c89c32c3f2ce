/// A simulator could not set up its socket.
public struct SimulatorError: Error, Sendable, CustomStringConvertible {
    /// The failing call.
    public let operation: String
    /// `errno` after the call.
    public let code: Int32

    /// Creates an error.
    public init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    public var description: String { "\(operation) failed: errno \(code)" }
}
