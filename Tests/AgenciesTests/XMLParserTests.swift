import Agencies
import Foundation
import Testing

@Suite struct XMLParserTests {
    private func parse(_ text: String) throws(XMLParseError) -> XMLElement {
        try StrictXMLParser().parse(Array(text.utf8))
    }

    private func failure(_ text: String) -> XMLParseError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesElementsAttributesTextAndCDATA() throws {
        let root = try parse("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <!-- a comment --><?pi skipped?>
            <a x="1" y='two &amp; &#x33;'>hello <![CDATA[<raw> & ]]> &lt;world&gt; &quot;&apos;&#233;<b/><c>C</c></a>
            """)
        #expect(root.name == "a")
        #expect(root.attribute("x") == "1")
        #expect(root.attribute("y") == "two & 3")
        #expect(root.children.map(\.name) == ["b", "c"])
        #expect(root.child("c")?.text == "C")
        #expect(root.text == "hello <raw> &  <world> \"'é")
    }

    @Test func keepsUTF8AndNamespacePrefixes() throws {
        let root = try parse("<x:GIAMDINHHS xmlns:x=\"urn:a\"><HO_TEN>Nguyễn Thị An</HO_TEN></x:GIAMDINHHS>")
        #expect(root.name == "x:GIAMDINHHS")
        #expect(root.attribute("xmlns:x") == "urn:a")
        #expect(root.child("HO_TEN")?.text == "Nguyễn Thị An")
    }

    @Test func acceptsByteOrderMarkAndNoDeclaration() throws {
        let root = try StrictXMLParser().parse([0xEF, 0xBB, 0xBF] + Array("<r>1</r>".utf8))
        #expect(root.text == "1")
    }

    @Test func attributeWhitespaceIsNormalised() throws {
        #expect(try parse("<r a=\"x\ty\nz\"/>").attribute("a") == "x y z")
    }

    @Test(arguments: [
        ("<!DOCTYPE r><r/>", "doctype"),
        ("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><r>&e;</r>", "doctype"),
        ("<r><!DOCTYPE x></r>", "doctype"),
        ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>", "encoding"),
        ("<?xml version=\"1.0\" encoding=\"UTF-16\"?><r/>", "encoding"),
        ("<r>&nbsp;</r>", "entity"),
        ("<r>&#0;</r>", "entity"),
        ("<r>&#xD800;</r>", "entity"),
        ("<r>&#x110000;</r>", "entity"),
        ("<r>& </r>", "entity"),
        ("<r a=\"&foo;\"/>", "entity"),
        ("<a><b></a></b>", "mismatch"),
        ("<a></ab>", "mismatch"),
        ("<a/><b/>", "trailing"),
        ("<a/>junk", "trailing"),
        ("<a>", "eof"),
        ("<a><!-- x", "eof"),
        ("", "no_root"),
        ("just text", "no_root"),
        ("<a b=\"1\" b=\"2\"/>", "duplicate_attribute"),
        ("<a b=1/>", "syntax"),
        ("<a b=\"<\"/>", "syntax"),
        ("<a b=\"1\"c=\"2\"/>", "syntax"),
        ("<r><?xml version=\"1.0\"?></r>", "syntax"),
        ("<r>\u{1}</r>", "char"),
    ])
    func rejects(input: String, code: String) {
        #expect(failure(input)?.code.rawValue == code, "\(input)")
    }

    @Test func rejectsInvalidUTF8() {
        for bytes: [UInt8] in [[0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF]] {
            let input = Array("<r>".utf8) + bytes + Array("</r>".utf8)
            #expect(throws: XMLParseError.self) { try StrictXMLParser().parse(input) }
            do {
                _ = try StrictXMLParser().parse(input)
            } catch {
                #expect(error.code == .utf8)
                #expect(error.offset == 3)
            }
        }
    }

    @Test func errorsCarryOffsetAndLine() {
        let error = failure("<r>\n<a>\n</b></r>")
        #expect(error?.code == .mismatch)
        #expect(error?.line == 3)
        #expect(error?.offset == 8)
    }

    @Test func depthLimit() throws {
        let ok = String(repeating: "<a>", count: 64) + String(repeating: "</a>", count: 64)
        #expect(throws: Never.self) { try parse(ok) }
        let deep = String(repeating: "<a>", count: 65) + String(repeating: "</a>", count: 65)
        #expect(failure(deep)?.code == .depth)
        let hostile = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        #expect(failure(hostile)?.code == .depth)
    }

    @Test func nodeLimit() {
        let many = "<r>" + String(repeating: "<a/>", count: 200_001) + "</r>"
        #expect(failure(many)?.code == .tooManyNodes)
        let parser = StrictXMLParser(maxDepth: 64, maxNodes: 10)
        #expect(throws: XMLParseError.self) { try parser.parse(Array(("<r>" + String(repeating: "<a/>", count: 10) + "</r>").utf8)) }
        #expect(throws: Never.self) { try parser.parse(Array(("<r>" + String(repeating: "<a/>", count: 9) + "</r>").utf8)) }
    }

    @Test func billionLaughsIsRefusedBeforeExpansion() throws {
        let bytes = try Fixtures.hospital("hostile-billion-laughs.xml")
        #expect(throws: XMLParseError.self) { try StrictXMLParser().parse(bytes) }
    }
}
