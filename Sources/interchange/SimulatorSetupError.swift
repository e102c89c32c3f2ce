/// The simulators could not be set up from the configuration.
struct SimulatorSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
