import HTTPCore
import Testing

private func decode(_ text: String, max: Int = 1_048_576) -> (ChunkedDecoder.Step, [UInt8]) {
    var decoder = ChunkedDecoder(maxBodyBytes: max)
    var body: [UInt8] = []
    let bytes = Array(text.utf8)
    let step = bytes.withUnsafeBufferPointer { decoder.decode($0, from: 0, to: $0.count, into: &body) }
    return (step, body)
}

@Suite struct ChunkedDecoderTests {
    @Test func decodesWithExtensionsAndTrailers() {
        let text = "5;name=value\r\nhello\r\n6;x\r\n world\r\n0\r\nX-Trailer: t\r\n\r\nNEXT"
        let (step, body) = decode(text)
        #expect(step == .complete(consumed: text.utf8.count - 4))
        #expect(String(decoding: body, as: UTF8.self) == "hello world")
    }

    @Test func byteByByteEqualsWhole() {
        let text = Array("A\r\n0123456789\r\n0\r\n\r\n".utf8)
        var decoder = ChunkedDecoder(maxBodyBytes: 100)
        var body: [UInt8] = []
        var buffer: [UInt8] = []
        var start = 0
        var finished = false
        for byte in text {
            buffer.append(byte)
            let step = buffer.withUnsafeBufferPointer { decoder.decode($0, from: start, to: $0.count, into: &body) }
            switch step {
            case .incomplete(let c): start += c
            case .complete(let c):
                start += c
                finished = true
            case .failure(let f): Issue.record("failed \(f)")
            }
        }
        #expect(finished)
        #expect(start == text.count)
        #expect(String(decoding: body, as: UTF8.self) == "0123456789")
    }

    static let bad: [(String, Int)] = [
        ("+5\r\nhello\r\n0\r\n\r\n", 400),
        (" 5\r\nhello\r\n0\r\n\r\n", 400),
        ("5 \r\nhello\r\n0\r\n\r\n", 400),
        ("0x5\r\nhello\r\n0\r\n\r\n", 400),
        ("5\r\nhelloXY0\r\n\r\n", 400),  // no CRLF after data
        ("5\nhello\r\n0\r\n\r\n", 400),  // bare LF
        ("0\r\nBad Trailer: x\r\n\r\n", 400),
        ("0\r\n folded\r\n\r\n", 400),
        ("00000000000000001\r\n", 400),  // 17 digits, even as leading zeros
        ("FFFFFFFFFFF\r\n", 413),
        ("20\r\n", 413),  // 32 > 16
    ]

    @Test(arguments: bad)
    func rejects(_ text: String, _ status: Int) {
        let (step, _) = decode(text, max: 16)
        #expect(step == .failure(HTTPParseFailure(status: status, reason: "")))
    }

    @Test func runningOverTheLimitGives413() {
        let (step, _) = decode("8\r\n12345678\r\n8\r\n12345678\r\n1\r\nx\r\n0\r\n\r\n", max: 16)
        #expect(step == .failure(HTTPParseFailure(status: 413, reason: "")))
    }
}
