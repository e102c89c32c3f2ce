import Agencies
import Messages

/// One agency-facing POST path: the message type it takes and the adapter that reads it.
struct IngestEndpoint: Sendable {
    let path: String
    let adapter: any InboundAdapter
    /// Envelopes carry many messages; they get the larger batch body limit.
    let allowsLargeBodies: Bool

    var type: MessageType { adapter.messageType }
}
