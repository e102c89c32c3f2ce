/// A node of the light tree ``StrictXMLParser`` builds: an element with its attributes, child elements
/// and the concatenation of its own text (text nodes and CDATA sections, references replaced).
///
/// Comments and processing instructions are dropped. The type shares its name with FoundationXML's
/// class; Interchange never imports FoundationXML (its parser is libxml2 and resolves DTD entities).
public struct XMLElement: Sendable, Equatable {
    /// The qualified name as written.
    public var name: String
    /// Attributes in document order.
    public var attributes: [XMLAttribute]
    /// Child elements in document order.
    public var children: [XMLElement]
    /// All direct text of this element, concatenated (including whitespace between children).
    public var text: String

    /// Creates an element.
    public init(name: String, attributes: [XMLAttribute] = [], children: [XMLElement] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The value of the attribute called `name`, if present.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// The first child element called `name`.
    public func child(_ name: String) -> XMLElement? {
        children.first { $0.name == name }
    }

    /// All child elements called `name`, in order.
    public func children(named name: String) -> [XMLElement] {
        children.filter { $0.name == name }
    }

    /// The element found by following child names, e.g. `["THONGTINHOSO", "NGAYLAP"]`.
    public func descendant(_ path: [String]) -> XMLElement? {
        var node = self
        for name in path {
            guard let next = node.child(name) else { return nil }
            node = next
        }
        return node
    }
}
