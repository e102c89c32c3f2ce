import HTTPCore
import Testing

private func parse(_ text: String, limits: ParserLimits = ParserLimits()) -> HTTPParseResult {
    HTTPRequestParser.parse(Array(text.utf8), limits: limits)
}

private func status(_ text: String, limits: ParserLimits = ParserLimits()) -> Int? {
    if case .failure(let failure) = parse(text, limits: limits) { return failure.status }
    return nil
}

@Suite struct ParserTests {
    @Test func parsesSimpleGet() throws {
        guard case .request(let head, let body, let consumed) = parse("GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-A:  v v \r\n\r\n") else {
            Issue.record("not parsed")
            return
        }
        #expect(head.method == "GET")
        #expect(head.target == "/a?b=1")
        #expect(head.version == "1.1")
        #expect(head.headers["x-a"] == "v v")
        #expect(head.keepAlive)
        #expect(body.isEmpty)
        #expect(consumed == 44)
    }

    @Test func incompleteUntilBlankLine() {
        #expect(parse("GET / HTTP/1.1\r\nHost: x\r\n") == .incomplete)
        #expect(parse("GET / HTTP/1.1\r\nHost: x\r\n\r") == .incomplete)
        #expect(parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab") == .incomplete)
    }

    @Test func contentLengthBodyAndNextRequest() {
        let text = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n"
        guard case .request(_, let body, let consumed) = parse(text) else {
            Issue.record("not parsed")
            return
        }
        #expect(body == Array("abc".utf8))
        #expect(consumed == text.utf8.count - "GET / HTTP/1.1\r\n".utf8.count)
    }

    static let rejections: [(String, Int)] = [
        ("GET / HTTP/1.1\nHost: x\r\n\r\n", 400),  // bare LF
        ("GET / HTTP/1.1\r\nHost: x\rX: y\r\n\r\n", 400),  // bare CR
        ("GET / HTTP/1.1\r\nHost: x\0\r\n\r\n", 400),  // NUL
        ("GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n", 400),  // obs-fold
        ("G@T / HTTP/1.1\r\nHost: x\r\n\r\n", 400),  // method not a token
        ("GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400),  // SP in target
        ("GET /a\u{7f} HTTP/1.1\r\nHost: x\r\n\r\n", 400),  // CTL in target
        ("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400),  // double SP
        ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 400),  // not HTTP/1.x
        ("GET / HTTP/1.2\r\nHost: x\r\n\r\n", 505),
        ("GET / http/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),  // space before colon
        ("GET / HTTP/1.1\r\nHost: x\r\nBad[Name]: y\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),  // no Host
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),  // two Hosts
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +2\r\n\r\nab", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1 2\r\n\r\nab", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1234567890123\r\n\r\n", 400),  // 13 digits
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n", 501),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: x\r\nX: a\u{01}b\r\n\r\n", 400),  // CTL in value
    ]

    @Test(arguments: rejections)
    func rejects(_ request: String, _ expected: Int) {
        #expect(status(request) == expected)
    }

    @Test func duplicateIdenticalContentLengthAccepted() {
        guard case .request(_, let body, _) = parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab") else {
            Issue.record("not parsed")
            return
        }
        #expect(body == Array("ab".utf8))
    }

    @Test func headLimitGives431() {
        let big = "GET / HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "a", count: 20_000) + "\r\n\r\n"
        #expect(status(big) == 431)
        // Even before the blank line arrives.
        #expect(status(String(big.prefix(17_000))) == 431)
    }

    @Test func declaredBodyOverLimitGives413() {
        let limits = ParserLimits(maxBodyBytes: 10)
        #expect(status("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n", limits: limits) == 413)
    }

    @Test func keepAliveSemantics() {
        func keepAlive(_ text: String) -> Bool? {
            if case .request(let head, _, _) = parse(text) { return head.keepAlive }
            return nil
        }
        #expect(keepAlive("GET / HTTP/1.1\r\nHost: x\r\n\r\n") == true)
        #expect(keepAlive("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") == false)
        #expect(keepAlive("GET / HTTP/1.0\r\n\r\n") == false)
        #expect(keepAlive("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") == true)
    }

    @Test func expectContinueFlag() {
        if case .request(let head, _, _) = parse("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\na") {
            #expect(head.expectContinue)
        } else {
            Issue.record("not parsed")
        }
    }

    @Test func leadingEmptyLineIgnored() {
        guard case .request(let head, _, let consumed) = parse("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n") else {
            Issue.record("not parsed")
            return
        }
        #expect(head.method == "GET")
        #expect(consumed == 29)
    }
}
