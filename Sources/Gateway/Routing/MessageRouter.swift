import Messages

/// Where one message must go: a destination and the steps that must pass before it is sent there.
public struct RoutedDestination: Sendable, Equatable, Hashable {
    /// The destination id (after template expansion).
    public var destination: String
    /// Pre-delivery steps, in order.
    public var steps: [GatewayConfig.Route.Step]

    /// Creates a routed destination.
    public init(destination: String, steps: [GatewayConfig.Route.Step] = []) {
        self.destination = destination
        self.steps = steps
    }
}

/// The outcome of routing one message: where it goes and what was skipped, for the routing log.
public struct RoutingDecision: Sendable, Equatable {
    /// A rule target that named no usable destination for this message.
    public struct Skip: Sendable, Equatable {
        /// The target as configured.
        public var target: String
        /// Why it was skipped.
        public var reason: String
    }

    /// Destinations, each once, in rule order.
    public var destinations: [RoutedDestination]
    /// Targets that could not be used for this message.
    public var skipped: [Skip]
}

/// Applies the configured routing rules to messages. Pure: the same message and rules give the same decision.
public struct MessageRouter: Sendable {
    /// The rules in config order.
    public let routes: [GatewayConfig.Route]
    /// Every destination id that exists (templates already expanded).
    public let knownDestinations: Set<String>

    /// Creates a router.
    public init(routes: [GatewayConfig.Route], knownDestinations: Set<String>) {
        self.routes = routes
        self.knownDestinations = knownDestinations
    }

    /// Routes one message. Every matching rule contributes; a destination named twice is kept once
    /// (the court's province and the residence province being the same is one recipient), and its
    /// steps are the union of the rules that named it.
    public func route(type: MessageType, attributes: [String: String]) -> RoutingDecision {
        var order: [String] = []
        var steps: [String: [GatewayConfig.Route.Step]] = [:]
        var skipped: [RoutingDecision.Skip] = []
        for route in routes where route.type == type && (route.condition?.matches(attributes) ?? true) {
            for target in route.destinations {
                guard let id = target.resolve(attributes: attributes) else {
                    skipped.append(RoutingDecision.Skip(target: target.name, reason: target.missingReason))
                    continue
                }
                guard knownDestinations.contains(id) else {
                    skipped.append(RoutingDecision.Skip(target: id, reason: "no such destination"))
                    continue
                }
                if steps[id] == nil {
                    order.append(id)
                    steps[id] = []
                }
                for step in route.steps where steps[id]?.contains(step) == false { steps[id]?.append(step) }
            }
        }
        return RoutingDecision(
            destinations: order.map { RoutedDestination(destination: $0, steps: steps[$0] ?? []) },
            skipped: skipped
        )
    }
}

extension GatewayConfig.Route.Target {
    /// The target as written in config.
    var name: String {
        switch self {
        case .destination(let id): id
        case .perProvince(let template, let attribute): template.replacingOccurrences(of: "{province}", with: "{attr:\(attribute)}")
        }
    }

    /// Why ``resolve(attributes:)`` gave nothing.
    var missingReason: String {
        switch self {
        case .destination: "no such destination"
        case .perProvince(_, let attribute): "attribute \(attribute) missing or not a province code"
        }
    }
}
