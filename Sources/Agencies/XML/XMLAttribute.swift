/// One attribute of an ``XMLElement``, as written (namespace prefixes are kept in the name).
public struct XMLAttribute: Sendable, Equatable {
    /// The qualified name, e.g. `xmlns:xsi`.
    public var name: String
    /// The value with references replaced and whitespace normalised.
    public var value: String

    /// Creates an attribute.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
