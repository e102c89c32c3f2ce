/// Why ``StrictXMLParser`` refused a document: a stable code, the byte offset and line where it stopped.
public struct XMLParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable machine-readable reason.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's text, e.g. `doctype`.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        /// The code's text.
        public var description: String { rawValue }

        /// The XML declaration names an encoding other than UTF-8.
        public static let encoding = Code("encoding")
        /// A `<!DOCTYPE`: DTDs (and with them entity expansion and external entities) are refused.
        public static let doctype = Code("doctype")
        /// An unknown named entity or a bad character reference.
        public static let entity = Code("entity")
        /// Elements nested deeper than the limit.
        public static let depth = Code("depth")
        /// More nodes than the limit.
        public static let tooManyNodes = Code("too_many_nodes")
        /// Bytes that are not valid UTF-8.
        public static let utf8 = Code("utf8")
        /// A character XML does not allow (control characters, U+FFFE, U+FFFF).
        public static let character = Code("char")
        /// An end tag that does not close the open element.
        public static let mismatch = Code("mismatch")
        /// Content after the root element.
        public static let trailing = Code("trailing")
        /// The input ended inside a construct.
        public static let eof = Code("eof")
        /// No root element.
        public static let noRoot = Code("no_root")
        /// The same attribute twice on one element.
        public static let duplicateAttribute = Code("duplicate_attribute")
        /// Anything else that is not well-formed.
        public static let syntax = Code("syntax")
    }

    /// The reason.
    public let code: Code
    /// Byte offset into the input where the problem was found.
    public let offset: Int
    /// 1-based line number of ``offset``.
    public let line: Int
    /// A sentence for people.
    public let message: String

    /// Creates an error.
    public init(code: Code, offset: Int, line: Int, message: String) {
        self.code = code
        self.offset = offset
        self.line = line
        self.message = message
    }

    /// One line naming the code, line, offset and message.
    public var description: String { "XML \(code) at line \(line), byte \(offset): \(message)" }
}
