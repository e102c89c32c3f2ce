/// How many routing-log entries share one event, message type, sender and destination (for statistics).
public struct LogCount: Sendable, Hashable {
    /// The event name, e.g. `delivered`.
    public var event: String
    /// The message type, if the entries carry one.
    public var type: String?
    /// The sending agency, if the entries carry one.
    public var sender: String?
    /// The destination, if the entries carry one.
    public var destination: String?
    /// How many entries.
    public var count: Int

    /// Creates a count.
    public init(event: String, type: String?, sender: String?, destination: String?, count: Int) {
        self.event = event
        self.type = type
        self.sender = sender
        self.destination = destination
        self.count = count
    }
}
