/// How a ``DestinationSimulator`` answers requests that are not told to fail.
public enum SimulatorMode: Sendable, Equatable {
    /// Answer normally.
    case ok
    /// Never answer (until the mode changes or the simulator shuts down): the client times out.
    case hang
    /// Answer normally after a delay.
    case slow(Duration)
    /// Stand-in for a dropped connection: answers `502` with `X-Simulated: reset`.
    ///
    /// The HTTP server offers handlers no way to abort a connection; ``ResetListener`` gives a real
    /// TCP reset on its own port.
    case reset
}
