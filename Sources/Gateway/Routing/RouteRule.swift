import Messages

/// One routing rule: which destinations a message of a type (and, optionally, a content
/// condition) goes to, and which pre-delivery steps must pass first.
public struct RouteRule: Sendable, Equatable {
    /// A condition on a message attribute derived by its adapter (e.g. `province`, `citizen`).
    public enum Condition: Sendable, Equatable {
        /// The attribute exists (and is not empty).
        case present(String)
        /// The attribute is absent or empty.
        case absent(String)
        /// The attribute equals one of the values.
        case oneOf(String, [String])
    }

    /// The message type the rule applies to.
    public var type: MessageType
    /// All conditions must hold; empty means always.
    public var conditions: [Condition]
    /// Destination ids; `{attr:NAME}` is replaced by the message attribute `NAME`
    /// (so `doj-{attr:residenceProvince}` picks one of 63 provincial destinations).
    public var destinations: [String]
    /// Step names that must pass before delivery to these destinations, e.g. `identity-check`.
    public var steps: [String]

    /// Creates a rule.
    public init(type: MessageType, conditions: [Condition] = [], destinations: [String], steps: [String] = []) {
        self.type = type
        self.conditions = conditions
        self.destinations = destinations
        self.steps = steps
    }

    /// Whether the rule applies to a message with this type and these attributes.
    public func matches(type: MessageType, attributes: [String: String]) -> Bool {
        guard type == self.type else { return false }
        return conditions.allSatisfy { condition in
            switch condition {
            case .present(let name): !(attributes[name] ?? "").isEmpty
            case .absent(let name): (attributes[name] ?? "").isEmpty
            case .oneOf(let name, let values): attributes[name].map(values.contains) ?? false
            }
        }
    }
}
