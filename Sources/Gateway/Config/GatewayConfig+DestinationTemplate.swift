import Messages

extension GatewayConfig {
    /// One destination per province, e.g. the 63 Departments of Justice: `{province}` in the id and URL
    /// is replaced by each two-digit province code.
    public struct DestinationTemplate: Sendable, Hashable {
        /// The destination with `{province}` still in its id and URL.
        public var prototype: Destination
        /// The provinces to expand for; all 63 unless the config lists some.
        public var provinces: [String]

        /// The id pattern, e.g. `doj-{province}`.
        public var id: String { prototype.id }

        /// The concrete destinations, one per province.
        public func expanded() -> [Destination] {
            provinces.map { province in
                var destination = prototype
                destination.id = prototype.id.replacingOccurrences(of: "{province}", with: province)
                destination.url = prototype.url.replacingOccurrences(of: "{province}", with: province)
                destination.template = prototype.id
                destination.province = province
                return destination
            }
        }

        static func read(_ r: JSONObjectReader, files: FileChecker) -> DestinationTemplate? {
            let prototype = Destination.read(r, files: files, extraKeys: ["provinces"], template: true)
            var provinces = Provinces.codes
            if let value = r.fields["provinces"], value != .null {
                switch value {
                case .string("all"): break
                case .array:
                    provinces = []
                    for element in r.strings("provinces") ?? [] {
                        if !Provinces.isValid(element.value) {
                            r.problems.add(element.path, "unknown", "unknown province code \"\(element.value)\"")
                        } else if provinces.contains(element.value) {
                            r.problems.add(element.path, "duplicate", "province \"\(element.value)\" listed twice")
                        } else {
                            provinces.append(element.value)
                        }
                    }
                default:
                    r.problems.add(r.path("provinces"), "type", "expected \"all\" or an array of province codes")
                }
            }
            guard let prototype else { return nil }
            return DestinationTemplate(prototype: prototype, provinces: provinces)
        }
    }
}
