import Messages

/// Where one message must go: a destination and the steps that must pass before it is sent there.
public struct RoutedDestination: Sendable, Equatable, Hashable {
    /// The destination id (after template expansion).
    public var destination: String
    /// Pre-delivery steps, in order.
    public var steps: [String]

    /// Creates a routed destination.
    public init(destination: String, steps: [String] = []) {
        self.destination = destination
        self.steps = steps
    }
}

/// The outcome of routing one message: where it goes and what was skipped, for the routing log.
public struct RoutingDecision: Sendable, Equatable {
    /// Destinations, each once, in rule order.
    public var destinations: [RoutedDestination]
    /// Why a destination named by a rule was not used (unknown after expansion, missing attribute).
    public var skipped: [(destination: String, reason: String)]

    public static func == (lhs: RoutingDecision, rhs: RoutingDecision) -> Bool {
        lhs.destinations == rhs.destinations
            && lhs.skipped.map { "\($0.destination)|\($0.reason)" } == rhs.skipped.map { "\($0.destination)|\($0.reason)" }
    }
}

/// Applies routing rules to messages. Pure: the same message and rules always give the same decision.
public struct Router: Sendable {
    /// The rules in config order.
    public let rules: [RouteRule]
    /// Every destination id that exists (templates already expanded).
    public let knownDestinations: Set<String>

    /// Creates a router.
    public init(rules: [RouteRule], knownDestinations: Set<String>) {
        self.rules = rules
        self.knownDestinations = knownDestinations
    }

    /// Routes one message. Every matching rule contributes; a destination named twice is kept once
    /// (the court's province and the residence province being the same is one recipient), and its
    /// steps are the union of the rules that named it.
    public func route(type: MessageType, attributes: [String: String]) -> RoutingDecision {
        var order: [String] = []
        var steps: [String: [String]] = [:]
        var skipped: [(destination: String, reason: String)] = []
        for rule in rules where rule.matches(type: type, attributes: attributes) {
            for template in rule.destinations {
                switch Router.expand(template, attributes: attributes) {
                case .failure(let reason):
                    skipped.append((template, reason.description))
                case .success(let id):
                    guard knownDestinations.contains(id) else {
                        skipped.append((id, "no such destination"))
                        continue
                    }
                    if steps[id] == nil {
                        order.append(id)
                        steps[id] = []
                    }
                    for step in rule.steps where steps[id]?.contains(step) == false { steps[id]?.append(step) }
                }
            }
        }
        let destinations = order.map { RoutedDestination(destination: $0, steps: steps[$0] ?? []) }
        return RoutingDecision(destinations: destinations, skipped: skipped)
    }

    /// Replaces `{attr:NAME}` placeholders with attribute values.
    static func expand(_ template: String, attributes: [String: String]) -> Result<String, Reason> {
        var out = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{attr:") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                return .failure(Reason(text: "unterminated placeholder"))
            }
            let name = String(rest[open.upperBound..<close])
            guard let value = attributes[name], !value.isEmpty else {
                return .failure(Reason(text: "attribute \(name) missing"))
            }
            out += value
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return .success(out)
    }

    /// Why a template could not be expanded.
    struct Reason: Error, CustomStringConvertible {
        let text: String
        var description: String { text }
    }
}
