/// Where one message stands with one destination.
public enum DeliveryStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting to be (re)tried; it may be leased by a deliverer right now.
    case pending
    /// Waiting for a pre-delivery step (e.g. an identity check); never claimed until released.
    case held
    /// The destination accepted it. Final unless an operator replays it.
    case delivered
    /// Given up on; in the dead-letter list until an operator replays it.
    case dead
}
