/// Size limits the parser enforces.
public struct ParserLimits: Sendable, Equatable {
    /// The largest head (request line + fields + blank line) accepted; beyond it → 431.
    public var maxHeadBytes: Int
    /// The largest body accepted; beyond it → 413.
    public var maxBodyBytes: Int

    /// Creates limits; defaults are 16 KiB of head and 1 MiB of body.
    public init(maxHeadBytes: Int = 16_384, maxBodyBytes: Int = 1_048_576) {
        self.maxHeadBytes = maxHeadBytes
        self.maxBodyBytes = maxBodyBytes
    }
}
