/// One `FILEHOSO` of a claim record: the table kind and its decoded inner XML, or why it could not be read.
public struct ClaimFile: Sendable, Equatable {
    /// `LOAIHOSO`, e.g. `XML1`.
    public var kind: String
    /// The decoded `NOIDUNGFILE`, when it was strict base64 within the size limit.
    public var content: [UInt8]?
    /// Why ``content`` is nil: `required`, `base64` or `too_long`.
    public var problem: String?

    /// Creates a file entry.
    public init(kind: String, content: [UInt8]?, problem: String? = nil) {
        self.kind = kind
        self.content = content
        self.problem = problem
    }
}
