/// How the simulated population database is unavailable.
public enum PopulationOutage: Sendable, Equatable {
    /// Every lookup answers `503` with `Retry-After`.
    case unavailable
    /// Lookups never answer (until ``PopulationSimulator/recover()``): callers time out.
    case hang
}
