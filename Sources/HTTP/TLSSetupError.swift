/// Why the TLS context could not be built; the message names the file and the reason.
public struct TLSSetupError: Error, CustomStringConvertible, Sendable {
    /// The file involved.
    public let file: String
    /// What is wrong with it, e.g. `expired (notAfter 2020-01-02 00:00:00 UTC)`.
    public let reason: String

    init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    /// `TLS setup: <file>: <reason>`.
    public var description: String { "TLS setup: \(file): \(reason)" }
}
