/// A population fixture file could not be read.
public struct CitizenFileError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public let path: String
    /// What went wrong.
    public let underlying: String

    public var description: String { "\(path): \(underlying)" }
}
