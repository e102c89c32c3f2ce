/// A successful route lookup: the registered key and the `{param}` values.
public struct RouteMatch<Key: Sendable>: Sendable {
    /// The key registered for the route.
    public var key: Key
    /// Path parameters by name, percent-decoded.
    public var parameters: [String: String]
    /// The pattern that matched, e.g. `/v1/messages/{id}`.
    public var pattern: String

    /// Creates a match.
    public init(key: Key, parameters: [String: String], pattern: String) {
        self.key = key
        self.parameters = parameters
        self.pattern = pattern
    }
}
