/// A simulator of the suite could not start.
public struct SimulatorSuiteError: Error, Sendable, CustomStringConvertible {
    /// The agency whose simulator failed.
    public let agency: SimulatedAgency
    /// The server's error.
    public let detail: String

    public var description: String { "\(agency.displayName) simulator: \(detail)" }
}
