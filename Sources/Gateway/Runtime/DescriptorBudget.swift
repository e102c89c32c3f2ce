import Glibc

/// Keeps client connections from exhausting the process's file descriptors.
///
/// Out of descriptors, nothing fails cleanly: accepts fail (the listener stays readable), SQLite cannot open its
/// WAL, libcurl cannot connect, and libdispatch traps when it cannot create a timer descriptor. So the gateway raises
/// its soft `RLIMIT_NOFILE` to the hard limit (as Go's runtime does) and caps each listener's connections so that all
/// listeners full still leave a reserve for everything else. Connections over the cap are refused by the HTTP
/// server's connection counter (503 on plain listeners, a close on TLS ones), not by `EMFILE`.
public struct DescriptorBudget: Sendable, Equatable {
    /// The soft descriptor limit after raising it.
    public var limit: Int
    /// Descriptors kept for the store, outbound connections, event loops and listeners.
    public var reserve: Int
    /// Connections each listener may hold: the configured `maxConnections`, or less when the limit is too low.
    public var connectionsPerListener: Int

    /// Computes the budget for a descriptor limit (pure; see ``raiseLimit()`` for the process's own).
    ///
    /// - Parameters:
    ///   - limit: The soft `RLIMIT_NOFILE`.
    ///   - configured: `limits.maxConnections` from the config.
    ///   - listeners: How many listeners share the process.
    public init(limit: Int, configured: Int, listeners: Int) {
        self.limit = limit
        reserve = max(64, min(1024, limit / 8))
        let share = max(1, (limit - reserve) / max(1, listeners))
        connectionsPerListener = min(configured, share)
    }

    /// Raises the soft `RLIMIT_NOFILE` to the hard limit and returns the soft limit now in force.
    public static func raiseLimit() -> Int {
        var limits = rlimit()
        guard getrlimit(Self.resource, &limits) == 0 else { return 1024 }
        if limits.rlim_cur < limits.rlim_max {
            var raised = limits
            raised.rlim_cur = limits.rlim_max
            if setrlimit(Self.resource, &raised) == 0 { limits = raised }
        }
        // RLIM_INFINITY is all ones, so the clamp covers it.
        return Int(clamping: limits.rlim_cur)
    }

    private static var resource: __rlimit_resource_t { __rlimit_resource_t(RLIMIT_NOFILE.rawValue) }
}
