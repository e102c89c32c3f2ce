import Foundation

/// Request bodies for the visit benchmark, made from the hospital fixtures once, before the clock starts.
///
/// Every body carries unique MA_LK values, so the gateway's dedup never short-cuts a request. Making one costs a
/// copy of a prepared template and a few byte patches, so the load measures the server, not the generator:
/// - `json`: `visit-single.json` split around its MA_LK value; a body is prefix + `LK<run><n>` + suffix.
/// - `envelope`: `envelope-20.xml` with each HOSO's XML1 rewritten so that its MA_LK value ends in a 15-byte
///   token starting at a multiple of 3 bytes into the XML1 document. The token's base64 is then exactly 20
///   characters at a known offset in `NOIDUNGFILE`, independent of its neighbours, and a body is the template
///   with those 20 runs of base64 overwritten: a valid envelope whose 20 inner XML1 tables each name a new MA_LK.
struct VisitBodies: Sendable {
    /// What one request carries.
    enum Mode: String, Sendable {
        case json
        case envelope
    }

    /// The failure to read or prepare a fixture.
    struct PreparationError: Error, CustomStringConvertible {
        let description: String
    }

    let mode: Mode
    /// Visits per request: 1 for JSON, the number of HOSO for envelopes.
    let visitsPerRequest: Int
    /// The media type of every body.
    let contentType: String
    private let run: [UInt8]
    private let template: [UInt8]
    /// JSON: the offset of the MA_LK value's first byte in `template` (the fixture value removed).
    private let jsonSplit: Int
    /// Envelope: where each HOSO's 20 base64 characters of token sit in `template`.
    private let tokenOffsets: [Int]

    private static let tokenBytes = 15

    /// Reads the fixtures from `directory` and prepares the template of `mode`; `run` (3 letters or digits)
    /// keeps MA_LK values apart between runs against one database.
    init(mode: Mode, fixtures directory: String, run: String) throws {
        self.mode = mode
        self.run = Array(run.utf8.prefix(3))
        switch mode {
        case .json:
            let text = try Self.read(directory + "/visit-single.json")
            let marker = Array(#""MA_LK": ""#.utf8)
            guard let start = Self.find(marker, in: text, from: 0).map({ $0 + marker.count }),
                  let end = text[start...].firstIndex(of: UInt8(ascii: "\"")) else {
                throw PreparationError(description: "visit-single.json has no \"MA_LK\": \"…\"")
            }
            template = Array(text[..<start]) + Array(text[end...])
            jsonSplit = start
            tokenOffsets = []
            visitsPerRequest = 1
            contentType = "application/json"
        case .envelope:
            let text = try Self.read(directory + "/envelope-20.xml")
            let (bytes, offsets) = try Self.prepareEnvelope(text)
            template = bytes
            tokenOffsets = offsets
            jsonSplit = 0
            visitsPerRequest = offsets.count
            contentType = "application/xml"
        }
    }

    /// The body of request number `n` (unique for `n` < 10¹⁰ within one run).
    func body(_ n: Int) -> [UInt8] {
        switch mode {
        case .json:
            var out: [UInt8] = []
            out.reserveCapacity(template.count + 20)
            out.append(contentsOf: template[..<jsonSplit])
            out.append(contentsOf: Array("LK".utf8) + run + Array(String(n).utf8))
            out.append(contentsOf: template[jsonSplit...])
            return out
        case .envelope:
            var out = template
            let digits = Array(String(n).utf8)
            out.withUnsafeMutableBufferPointer { buffer in
                for (item, offset) in tokenOffsets.enumerated() {
                    // token: run (3) + n zero-padded to 10 digits + item zero-padded to 2 digits = 15 bytes
                    var token = [UInt8](repeating: UInt8(ascii: "0"), count: Self.tokenBytes)
                    for (i, byte) in run.enumerated() { token[i] = byte }
                    let nEnd = 13
                    for (i, digit) in digits.suffix(10).reversed().enumerated() { token[nEnd - 1 - i] = digit }
                    token[13] = UInt8(ascii: "0") + UInt8(item / 10 % 10)
                    token[14] = UInt8(ascii: "0") + UInt8(item % 10)
                    Self.base64(token, into: buffer, at: offset)
                }
            }
            return out
        }
    }

    // MARK: - Preparation

    private static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PreparationError(description: "cannot read \(path)")
        }
        return Array(data)
    }

    /// Rewrites every XML1 `NOIDUNGFILE` of the envelope; returns the new envelope and the token offsets.
    private static func prepareEnvelope(_ text: [UInt8]) throws -> ([UInt8], [Int]) {
        let open = Array("<LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>".utf8)
        let close = Array("</NOIDUNGFILE>".utf8)
        var out: [UInt8] = []
        var offsets: [Int] = []
        var cursor = 0
        while let hit = find(open, in: text, from: cursor) {
            let b64Start = hit + open.count
            guard let b64End = find(close, in: text, from: b64Start),
                  let decoded = Data(base64Encoded: Data(text[b64Start..<b64End])) else {
                throw PreparationError(description: "envelope-20.xml: XML1 \(offsets.count + 1) is not base64")
            }
            let xml1 = Array(decoded)
            let valueOpen = Array("<MA_LK>".utf8)
            guard let tagAt = find(valueOpen, in: xml1, from: 0),
                  let valueEnd = find(Array("</MA_LK>".utf8), in: xml1, from: tagAt) else {
                throw PreparationError(description: "envelope-20.xml: XML1 \(offsets.count + 1) has no MA_LK")
            }
            let valueStart = tagAt + valueOpen.count
            // "LK" then padding so the token starts at a multiple of 3 bytes into the document.
            var prefix = Array("LK".utf8)
            while (valueStart + prefix.count) % 3 != 0 { prefix.append(UInt8(ascii: "P")) }
            let tokenAt = valueStart + prefix.count
            let placeholder = [UInt8](repeating: UInt8(ascii: "0"), count: tokenBytes)
            let rewritten = Array(xml1[..<valueStart]) + prefix + placeholder + Array(xml1[valueEnd...])
            let encoded = Array(Data(rewritten).base64EncodedData())
            out.append(contentsOf: text[cursor..<b64Start])
            offsets.append(out.count + tokenAt / 3 * 4)
            out.append(contentsOf: encoded)
            cursor = b64End
        }
        out.append(contentsOf: text[cursor...])
        guard !offsets.isEmpty else { throw PreparationError(description: "envelope-20.xml has no XML1 HOSO") }
        return (out, offsets)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var i = start
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Writes the base64 of `bytes` (a multiple of 3 long) into `buffer` at `offset`.
    private static func base64(_ bytes: [UInt8], into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var o = offset
        var i = 0
        while i + 2 < bytes.count {
            let v = Int(bytes[i]) << 16 | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2])
            buffer[o] = alphabet[v >> 18 & 63]
            buffer[o + 1] = alphabet[v >> 12 & 63]
            buffer[o + 2] = alphabet[v >> 6 & 63]
            buffer[o + 3] = alphabet[v & 63]
            o += 4
            i += 3
        }
    }
}
