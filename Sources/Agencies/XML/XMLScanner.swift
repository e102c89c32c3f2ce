/// The cursor behind ``StrictXMLParser``: a recursive-descent scan over a byte buffer that is valid
/// UTF-8 (checked once up front), so names and text can be sliced out without re-validation.
struct XMLScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let end: Int
    private var index = 0
    private var nodes = 0
    private let maxDepth: Int
    private let maxNodes: Int

    init(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int, maxNodes: Int) {
        self.bytes = buffer
        self.end = buffer.count
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    // MARK: - Document

    mutating func document() throws(XMLParseError) -> XMLElement {
        if end >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        try validateCharacters(from: index)
        if matches("<?xml"), index + 5 < end, Self.isSpace(bytes[index + 5]) || bytes[index + 5] == UInt8(ascii: "?") {
            try declaration()
        }
        try misc()
        guard index < end, bytes[index] == UInt8(ascii: "<") else {
            throw fail(.noRoot, "no root element")
        }
        let root = try element(depth: 1)
        try misc()
        if index < end { throw fail(.trailing, "content after the root element") }
        return root
    }

    /// Whitespace, comments and processing instructions outside the root; a DOCTYPE is refused here.
    private mutating func misc() throws(XMLParseError) {
        while index < end {
            let byte = bytes[index]
            if Self.isSpace(byte) {
                index += 1
            } else if matches("<!--") {
                try comment()
            } else if matches("<?") {
                try processingInstruction()
            } else if matches("<!") {
                if matches("<!DOCTYPE") { throw fail(.doctype, "DOCTYPE declarations are not accepted") }
                throw fail(.syntax, "unexpected markup declaration")
            } else {
                return
            }
        }
    }

    private mutating func declaration() throws(XMLParseError) {
        index += 5
        var sawVersion = false
        while true {
            let hadSpace = skipSpace()
            guard index < end else { throw fail(.eof, "unterminated XML declaration") }
            if matches("?>") {
                index += 2
                break
            }
            guard hadSpace else { throw fail(.syntax, "expected whitespace in the XML declaration") }
            let nameStart = index
            let name = try readName()
            _ = skipSpace()
            try expect(UInt8(ascii: "="))
            _ = skipSpace()
            let value = try attributeValue()
            switch name {
            case "version":
                guard !sawVersion, value == "1.0" || value == "1.1" else {
                    throw fail(.syntax, "unsupported XML version", at: nameStart)
                }
                sawVersion = true
            case "encoding":
                let lowered = value.lowercased()
                guard lowered == "utf-8" || lowered == "utf8" else {
                    throw fail(.encoding, "encoding \(value) is not accepted; send UTF-8", at: nameStart)
                }
            case "standalone":
                guard value == "yes" || value == "no" else { throw fail(.syntax, "bad standalone value", at: nameStart) }
            default:
                throw fail(.syntax, "unknown pseudo-attribute \(name) in the XML declaration", at: nameStart)
            }
        }
        guard sawVersion else { throw fail(.syntax, "the XML declaration needs a version") }
    }

    // MARK: - Elements

    private mutating func element(depth: Int) throws(XMLParseError) -> XMLElement {
        if depth > maxDepth { throw fail(.depth, "elements nested deeper than \(maxDepth)") }
        try countNode()
        index += 1
        let nameStart = index
        let name = try readName()
        let nameEnd = index
        var attributes: [XMLAttribute] = []
        while true {
            let hadSpace = skipSpace()
            guard index < end else { throw fail(.eof, "unterminated start tag <\(name)>") }
            let byte = bytes[index]
            if byte == UInt8(ascii: ">") {
                index += 1
                break
            }
            if byte == UInt8(ascii: "/") {
                guard index + 1 < end, bytes[index + 1] == UInt8(ascii: ">") else {
                    throw fail(.syntax, "expected /> in <\(name)>")
                }
                index += 2
                return XMLElement(name: name, attributes: attributes)
            }
            guard hadSpace else { throw fail(.syntax, "expected whitespace before an attribute in <\(name)>") }
            let attributeStart = index
            let attributeName = try readName()
            _ = skipSpace()
            try expect(UInt8(ascii: "="))
            _ = skipSpace()
            let value = try attributeValue()
            if attributes.contains(where: { $0.name == attributeName }) {
                throw fail(.duplicateAttribute, "attribute \(attributeName) repeated", at: attributeStart)
            }
            attributes.append(XMLAttribute(name: attributeName, value: value))
        }

        var children: [XMLElement] = []
        var text = TextAccumulator()
        while true {
            guard index < end else { throw fail(.eof, "element <\(name)> is not closed") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") {
                guard index + 1 < end else { throw fail(.eof, "element <\(name)> is not closed") }
                let next = bytes[index + 1]
                if next == UInt8(ascii: "/") {
                    let tagStart = index
                    index += 2
                    let closeStart = index
                    try skipName()
                    let length = index - closeStart
                    guard length == nameEnd - nameStart,
                          memcmpEqual(closeStart, nameStart, length)
                    else {
                        throw fail(.mismatch, "end tag does not close <\(name)>", at: tagStart)
                    }
                    _ = skipSpace()
                    try expect(UInt8(ascii: ">"))
                    break
                } else if next == UInt8(ascii: "!") {
                    if matches("<!--") {
                        try comment()
                    } else if matches("<![CDATA[") {
                        try countNode()
                        index += 9
                        let start = index
                        guard let close = find3(UInt8(ascii: "]"), UInt8(ascii: "]"), UInt8(ascii: ">")) else {
                            throw fail(.eof, "unterminated CDATA section")
                        }
                        text.appendRun(start, close - start, bytes)
                        index = close + 3
                    } else if matches("<!DOCTYPE") {
                        throw fail(.doctype, "DOCTYPE declarations are not accepted")
                    } else {
                        throw fail(.syntax, "unexpected markup declaration")
                    }
                } else if next == UInt8(ascii: "?") {
                    try processingInstruction()
                } else {
                    children.append(try element(depth: depth + 1))
                }
            } else if byte == UInt8(ascii: "&") {
                try reference(into: &text)
            } else {
                let start = index
                var cursor = index + 1
                while cursor < end {
                    let c = bytes[cursor]
                    if c == UInt8(ascii: "<") || c == UInt8(ascii: "&") { break }
                    cursor += 1
                }
                try countNode()
                text.appendRun(start, cursor - start, bytes)
                index = cursor
            }
        }
        return XMLElement(name: name, attributes: attributes, children: children, text: text.string(bytes))
    }

    // MARK: - Pieces

    private mutating func comment() throws(XMLParseError) {
        try countNode()
        index += 4
        guard let close = find3(UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: ">")) else {
            throw fail(.eof, "unterminated comment")
        }
        index = close + 3
    }

    private mutating func processingInstruction() throws(XMLParseError) {
        try countNode()
        let start = index
        index += 2
        let target = try readName()
        if target.lowercased() == "xml" { throw fail(.syntax, "XML declaration not at the start", at: start) }
        while index + 1 < end {
            if bytes[index] == UInt8(ascii: "?"), bytes[index + 1] == UInt8(ascii: ">") {
                index += 2
                return
            }
            index += 1
        }
        throw fail(.eof, "unterminated processing instruction")
    }

    private mutating func attributeValue() throws(XMLParseError) -> String {
        guard index < end else { throw fail(.eof, "expected an attribute value") }
        let quote = bytes[index]
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
            throw fail(.syntax, "attribute values must be quoted")
        }
        index += 1
        var text = TextAccumulator()
        while true {
            guard index < end else { throw fail(.eof, "unterminated attribute value") }
            let byte = bytes[index]
            if byte == quote {
                index += 1
                return text.string(bytes)
            }
            switch byte {
            case UInt8(ascii: "<"):
                throw fail(.syntax, "< in an attribute value")
            case UInt8(ascii: "&"):
                try reference(into: &text)
            case 0x09, 0x0A, 0x0D:
                text.appendByte(0x20, bytes)
                index += 1
            default:
                let start = index
                var cursor = index + 1
                while cursor < end {
                    let c = bytes[cursor]
                    if c == quote || c == UInt8(ascii: "<") || c == UInt8(ascii: "&") || c < 0x20 { break }
                    cursor += 1
                }
                text.appendRun(start, cursor - start, bytes)
                index = cursor
            }
        }
    }

    /// Replaces `&...;` at the cursor: the five predefined entities and numeric references only.
    private mutating func reference(into text: inout TextAccumulator) throws(XMLParseError) {
        let start = index
        var cursor = index + 1
        while cursor < end, cursor - start <= 12, bytes[cursor] != UInt8(ascii: ";") { cursor += 1 }
        guard cursor < end, bytes[cursor] == UInt8(ascii: ";") else {
            throw fail(.entity, "unterminated or overlong reference", at: start)
        }
        let nameStart = start + 1
        let length = cursor - nameStart
        guard length > 0 else { throw fail(.entity, "empty reference", at: start) }
        if bytes[nameStart] == UInt8(ascii: "#") {
            var value: UInt32 = 0
            var position = nameStart + 1
            let hex = position < cursor && bytes[position] == UInt8(ascii: "x")
            if hex { position += 1 }
            guard position < cursor else { throw fail(.entity, "empty character reference", at: start) }
            while position < cursor {
                let c = bytes[position]
                let digit: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: digit = UInt32(c - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: digit = UInt32(c - UInt8(ascii: "A") + 10)
                default: throw fail(.entity, "bad character reference", at: start)
                }
                value = value * (hex ? 16 : 10) + digit
                guard value <= 0x10FFFF else { throw fail(.entity, "character reference out of range", at: start) }
                position += 1
            }
            guard Self.isXMLChar(value), let scalar = Unicode.Scalar(value) else {
                throw fail(.entity, "character reference to a character XML does not allow", at: start)
            }
            for unit in UTF8.encode(scalar) ?? UTF8.EncodedScalar() { text.appendByte(unit, bytes) }
        } else {
            let replacement: UInt8
            switch (length, bytes[nameStart], bytes[nameStart + 1 < cursor ? nameStart + 1 : nameStart]) {
            case (2, UInt8(ascii: "l"), UInt8(ascii: "t")): replacement = UInt8(ascii: "<")
            case (2, UInt8(ascii: "g"), UInt8(ascii: "t")): replacement = UInt8(ascii: ">")
            case (3, UInt8(ascii: "a"), UInt8(ascii: "m")) where bytes[nameStart + 2] == UInt8(ascii: "p"):
                replacement = UInt8(ascii: "&")
            case (4, UInt8(ascii: "q"), _) where matchesAt(nameStart, "quot"): replacement = UInt8(ascii: "\"")
            case (4, UInt8(ascii: "a"), _) where matchesAt(nameStart, "apos"): replacement = UInt8(ascii: "'")
            default:
                throw fail(.entity, "unknown entity; only &lt; &gt; &amp; &quot; &apos; are accepted", at: start)
            }
            text.appendByte(replacement, bytes)
        }
        index = cursor + 1
    }

    private mutating func readName() throws(XMLParseError) -> String {
        let start = index
        try skipName()
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    private mutating func skipName() throws(XMLParseError) {
        guard index < end else { throw fail(.eof, "expected a name") }
        let first = bytes[index]
        guard Self.isNameStart(first) else { throw fail(.syntax, "expected a name") }
        index += 1
        while index < end, Self.isNameByte(bytes[index]) { index += 1 }
    }

    private mutating func countNode() throws(XMLParseError) {
        nodes += 1
        if nodes > maxNodes { throw fail(.tooManyNodes, "more than \(maxNodes) nodes") }
    }

    @discardableResult
    private mutating func skipSpace() -> Bool {
        let start = index
        while index < end, Self.isSpace(bytes[index]) { index += 1 }
        return index > start
    }

    private mutating func expect(_ byte: UInt8) throws(XMLParseError) {
        guard index < end else { throw fail(.eof, "expected \(Character(Unicode.Scalar(byte)))") }
        guard bytes[index] == byte else { throw fail(.syntax, "expected \(Character(Unicode.Scalar(byte)))") }
        index += 1
    }

    private func matches(_ literal: StaticString) -> Bool { matchesAt(index, literal) }

    private func matchesAt(_ position: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard position + count <= end else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where bytes[position + offset] != pointer[offset] { return false }
        return true
    }

    private func memcmpEqual(_ a: Int, _ b: Int, _ count: Int) -> Bool {
        for offset in 0..<count where bytes[a + offset] != bytes[b + offset] { return false }
        return true
    }

    /// Position of the next `a b c` sequence at or after the cursor.
    private func find3(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int? {
        var cursor = index
        while cursor + 2 < end {
            if bytes[cursor] == a, bytes[cursor + 1] == b, bytes[cursor + 2] == c { return cursor }
            cursor += 1
        }
        return nil
    }

    /// Checks the whole input once: well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF)
    /// and only characters XML allows.
    private func validateCharacters(from start: Int) throws(XMLParseError) {
        var i = start
        while i < end {
            let b0 = bytes[i]
            if b0 < 0x80 {
                if b0 < 0x20, b0 != 0x09, b0 != 0x0A, b0 != 0x0D {
                    throw fail(.character, "control character 0x\(String(b0, radix: 16))", at: i)
                }
                i += 1
                continue
            }
            if b0 < 0xC2 || b0 > 0xF4 { throw fail(.utf8, "invalid UTF-8 lead byte", at: i) }
            if b0 < 0xE0 {
                guard i + 1 < end, bytes[i + 1] & 0xC0 == 0x80 else { throw fail(.utf8, "truncated UTF-8", at: i) }
                i += 2
            } else if b0 < 0xF0 {
                guard i + 2 < end, bytes[i + 1] & 0xC0 == 0x80, bytes[i + 2] & 0xC0 == 0x80 else {
                    throw fail(.utf8, "truncated UTF-8", at: i)
                }
                let b1 = bytes[i + 1]
                if b0 == 0xE0, b1 < 0xA0 { throw fail(.utf8, "overlong UTF-8", at: i) }
                if b0 == 0xED, b1 >= 0xA0 { throw fail(.utf8, "UTF-8 surrogate", at: i) }
                if b0 == 0xEF, b1 == 0xBF, bytes[i + 2] >= 0xBE { throw fail(.character, "U+FFFE/U+FFFF", at: i) }
                i += 3
            } else {
                guard i + 3 < end, bytes[i + 1] & 0xC0 == 0x80, bytes[i + 2] & 0xC0 == 0x80,
                      bytes[i + 3] & 0xC0 == 0x80
                else { throw fail(.utf8, "truncated UTF-8", at: i) }
                let b1 = bytes[i + 1]
                if b0 == 0xF0, b1 < 0x90 { throw fail(.utf8, "overlong UTF-8", at: i) }
                if b0 == 0xF4, b1 >= 0x90 { throw fail(.utf8, "UTF-8 past U+10FFFF", at: i) }
                i += 4
            }
        }
    }

    private func fail(_ code: XMLParseError.Code, _ message: String, at position: Int? = nil) -> XMLParseError {
        let offset = min(position ?? index, end)
        var line = 1
        for i in 0..<offset where bytes[i] == 0x0A { line += 1 }
        return XMLParseError(code: code, offset: offset, line: line, message: message)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
    }

    private static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte >= 0x80
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: ".")
    }

    private static func isXMLChar(_ value: UInt32) -> Bool {
        value == 0x09 || value == 0x0A || value == 0x0D || (value >= 0x20 && value <= 0xD7FF)
            || (value >= 0xE000 && value <= 0xFFFD) || (value >= 0x10000 && value <= 0x10FFFF)
    }
}
