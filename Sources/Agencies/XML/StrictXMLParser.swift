/// A small, strict, non-validating XML 1.0 parser over UTF-8 bytes, written for hostile input.
///
/// It accepts the XML declaration (encoding UTF-8 or absent), elements, attributes, text, CDATA,
/// comments, processing instructions (skipped), the five predefined entities and numeric character
/// references. It refuses any `<!DOCTYPE` up front, so there is no DTD, no entity expansion and no
/// external entity (no "billion laughs", no XXE), and it refuses unknown named entities, invalid
/// UTF-8, nesting deeper than ``maxDepth``, more than ``maxNodes`` nodes, mismatched tags and trailing
/// content. Namespaces are not processed: names keep their prefixes.
public struct StrictXMLParser: Sendable {
    /// Deepest element nesting accepted; the root is depth 1.
    public var maxDepth: Int
    /// Most nodes (elements, text runs, CDATA sections, comments, processing instructions) accepted.
    public var maxNodes: Int

    /// Creates a parser with the given limits.
    public init(maxDepth: Int = 64, maxNodes: Int = 200_000) {
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    /// Parses a whole document and returns its root element.
    ///
    /// - Parameter bytes: The document, UTF-8 (an optional byte-order mark is skipped).
    /// - Throws: ``XMLParseError`` naming the first problem, its byte offset and line.
    public func parse(_ bytes: [UInt8]) throws(XMLParseError) -> XMLElement {
        let result: Result<XMLElement, XMLParseError> = bytes.withUnsafeBufferPointer { buffer in
            var scanner = XMLScanner(buffer: buffer, maxDepth: maxDepth, maxNodes: maxNodes)
            do throws(XMLParseError) {
                return .success(try scanner.document())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
