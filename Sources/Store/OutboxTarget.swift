import Foundation

/// One destination a new message must reach, as the router decided at admission.
public struct OutboxTarget: Sendable, Hashable {
    /// The destination id from config.
    public var destination: String
    /// Whether delivery waits for a pre-delivery step (e.g. an identity check) before it can be claimed.
    public var held: Bool
    /// The earliest time a deliverer may claim it; `nil` means at once.
    public var notBefore: Date?

    /// Creates a target.
    public init(destination: String, held: Bool = false, notBefore: Date? = nil) {
        self.destination = destination
        self.held = held
        self.notBefore = notBefore
    }
}
