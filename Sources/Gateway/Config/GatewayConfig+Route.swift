import Messages

extension GatewayConfig {
    /// A routing rule: messages of ``type`` (matching ``condition``) go to ``destinations``, after ``steps``.
    /// Several rules may name the same type; a message goes to the union of the matching rules' destinations.
    public struct Route: Sendable, Hashable {
        /// Where a rule sends a message.
        public enum Target: Sendable, Hashable {
            /// A fixed destination id (a configured or an expanded one).
            case destination(String)
            /// A per-province destination chosen by a message attribute: `doj-{attr:courtProvince}`
            /// names template `doj-{province}` and attribute `courtProvince`.
            case perProvince(template: String, attribute: String)

            /// The destination id for a message with `attributes`; nil when the attribute is missing or
            /// not a province code (the router logs that as a routing problem).
            public func resolve(attributes: [String: String]) -> String? {
                switch self {
                case .destination(let id): return id
                case .perProvince(let template, let attribute):
                    guard let province = attributes[attribute], Provinces.isValid(province) else { return nil }
                    return template.replacingOccurrences(of: "{province}", with: province)
                }
            }
        }

        /// A condition on a message attribute.
        public struct Condition: Sendable, Hashable {
            /// The attribute name, e.g. `citizen`.
            public var attribute: String
            /// If set: the attribute must be present (true) or absent (false).
            public var present: Bool?
            /// If set: the attribute must equal this value.
            public var equals: String?

            /// Whether a message with `attributes` satisfies the condition.
            public func matches(_ attributes: [String: String]) -> Bool {
                let value = attributes[attribute].flatMap { $0.isEmpty ? nil : $0 }
                if let present, present != (value != nil) { return false }
                if let equals, value != equals { return false }
                return true
            }
        }

        /// Work done before delivery.
        public enum Step: String, Sendable, CaseIterable {
            /// Verify the citizen's identity against the population database (destination `population`).
            case identityCheck = "identity-check"
        }

        /// The message type the rule applies to.
        public var type: MessageType
        /// Where matching messages go.
        public var destinations: [Target]
        /// The rule applies only when this holds; nil for always.
        public var condition: Condition?
        /// Steps before delivery.
        public var steps: [Step]

        static let keys: Set<String> = ["type", "destinations", "when", "steps"]

        /// Reads a rule; `knownDestinations` holds configured and expanded ids, `templates` the template ids.
        static func read(_ r: JSONObjectReader, knownDestinations: Set<String>, templates: Set<String>) -> Route? {
            r.rejectUnknownKeys(keys)
            let problems = r.problems
            var type: MessageType?
            if let raw = r.string("type") {
                type = MessageType(raw)
                if !GatewayConfig.knownMessageTypes.contains(MessageType(raw)) {
                    problems.add(r.path("type"), "unknown", "unknown message type \"\(raw)\"")
                }
            }
            var targets: [Target] = []
            let names = r.strings("destinations")
            if let names, names.isEmpty { problems.add(r.path("destinations"), "missing", "at least one destination") }
            for element in names ?? [] {
                guard let target = target(element.value, knownDestinations: knownDestinations, templates: templates) else {
                    problems.add(element.path, "unknown_reference", "unknown destination \"\(element.value)\"")
                    continue
                }
                if targets.contains(target) {
                    problems.add(element.path, "duplicate", "destination \"\(element.value)\" listed twice")
                }
                targets.append(target)
            }
            var condition: Condition?
            if let w = r.object("when", required: false) {
                w.rejectUnknownKeys(["attribute", "present", "equals"])
                let attribute = w.string("attribute")
                let present: Bool? = w.has("present") ? w.bool("present", default: true) : nil
                let equals = w.string("equals", required: false)
                if present == nil && equals == nil {
                    problems.add(w.path, "missing", "a condition needs \"present\" or \"equals\"")
                }
                if let attribute { condition = Condition(attribute: attribute, present: present, equals: equals) }
            }
            var steps: [Step] = []
            for element in r.strings("steps", required: false) ?? [] {
                if let step = Step(rawValue: element.value) {
                    steps.append(step)
                } else {
                    problems.add(element.path, "unknown", "unknown step \"\(element.value)\" (expected identity-check)")
                }
            }
            guard let type else { return nil }
            return Route(type: type, destinations: targets, condition: condition, steps: steps)
        }

        /// Parses `doj-{attr:courtProvince}` or a plain id.
        private static func target(_ name: String, knownDestinations: Set<String>, templates: Set<String>) -> Target? {
            guard let open = name.range(of: "{attr:") else {
                return knownDestinations.contains(name) ? .destination(name) : nil
            }
            guard let close = name.range(of: "}", range: open.upperBound..<name.endIndex) else { return nil }
            let attribute = String(name[open.upperBound..<close.lowerBound])
            guard !attribute.isEmpty else { return nil }
            let template = name.replacingCharacters(in: open.lowerBound..<close.upperBound, with: "{province}")
            return templates.contains(template) ? .perProvince(template: template, attribute: attribute) : nil
        }
    }
}
