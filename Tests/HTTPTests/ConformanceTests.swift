import Foundation
import HTTP
import HTTPCore
import Testing

@Suite struct ConformanceTests {
    @Test func pipelinesThreeRequestsInOrder() async throws {
        let server = try startServer()
        defer { server.shutdown() }
        let client = try RawClient(port: server.port)
        // The first is slow, so order must come from sequencing, not from handler completion.
        client.send(
            "GET /slow?ms=200 HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /c HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        let responses = await client.readResponses(3)
        #expect(responses.map(\.status) == [200, 200, 200])
        #expect(responses.map(\.body) == ["GET /slow?ms=200 ", "POST /b abc", "GET /c "])
        #expect(responses.first?.header("Date")?.hasSuffix(" GMT") == true)
        #expect(responses.first?.header("Connection") == nil)
    }

    @Test func chunkedBodyWithExtensionsAndTrailers() async throws {
        let server = try startServer()
        defer { server.shutdown() }
        let client = try RawClient(port: server.port)
        client.send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n")
        usleep(50_000)
        client.send("6;ext\r\n world\r\n0\r\nX-Checksum: 1\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        let responses = await client.readResponses(2)
        #expect(responses.map(\.status) == [200, 200])
        #expect(responses.first?.body == "POST /up hello world")
        #expect(responses.last?.body == "GET /after ")
    }

    static let rejections: [(String, String, Int)] = [
        ("bare LF", "GET / HTTP/1.1\nHost: x\r\n\r\n", 400),
        ("bare CR", "GET / HTTP/1.1\r\nHost: x\rY: z\r\n\r\n", 400),
        ("NUL", "GET / HTTP/1.1\r\nHost: x\0\r\n\r\n", 400),
        ("obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n\tb\r\n\r\n", 400),
        ("method not a token", "GE(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("CTL in target", "GET /\u{01} HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("HTTP/1.2", "GET / HTTP/1.2\r\nHost: x\r\n\r\n", 505),
        ("HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 400),
        ("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
        ("no Host", "GET / HTTP/1.1\r\nX: y\r\n\r\n", 400),
        ("two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400),
        ("CL with sign", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +2\r\n\r\nab", 400),
        ("CL 13 digits", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0000000000002\r\n\r\nab", 400),
        ("differing CLs", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
        ("CL + TE", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nab", 400),
        ("TE gzip", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("bad chunk size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", 400),
        ("chunk without CRLF", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", 400),
    ]

    @Test(arguments: rejections)
    func rejectsWithProblemAndCloses(_ name: String, _ request: String, _ status: Int) async throws {
        let server = try startServer()
        defer { server.shutdown() }
        let client = try RawClient(port: server.port)
        // A valid request first: the rejection must come after its response, then the connection closes.
        client.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n" + request)
        let responses = await client.readResponses(2)
        #expect(responses.map(\.status) == [200, status], "\(name)")
        #expect(responses.last?.header("Content-Type") == "application/problem+json")
        #expect(responses.last?.header("Connection") == "close")
        #expect(responses.last?.body.contains("\"status\":\(status)") == true)
        #expect(await client.sawEOF(), "\(name): connection not closed")
    }

    @Test func oversizedHeadGives431() async throws {
        let server = try startServer(limits: ServerLimits(maxHeadBytes: 1024))
        defer { server.shutdown() }
        let client = try RawClient(port: server.port)
        client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 2000))
        let responses = await client.readResponses(1)
        #expect(responses.first?.status == 431)
        #expect(await client.sawEOF())
    }

    @Test func declaredBodyOverLimitGives413BeforeTheBody() async throws {
        let server = try startServer(limits: ServerLimits(maxBodyBytes: 100))
        defer { server.shutdown() }
        let client = try RawClient(port: server.port)
        client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n")
        let responses = await client.readResponses(1)
        #expect(responses.first?.status == 413)
        #expect(await client.sawEOF())
    }

    @Test func chunkedBodyOverPerRouteLimitGives413() async throws {
        let server = try startServer(bodyLimit: { _, path in path == "/small" ? 8 : 1_000 })
        defer { server.shutdown() }
        let big = try RawClient(port: server.port)
        big.send("POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n")
        #expect(await big.readResponses(1).first?.status == 200)
        let small = try RawClient(port: server.port)
        small.send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n")
        #expect(await small.readResponses(1).first?.status == 413)
        #expect(await small.sawEOF())
    }

    @Test func partialHeadTimesOutWith408() async throws {
        let server = try startServer(limits: ServerLimits(headTimeout: .milliseconds(300)))
        defer { server.shutdown() }
        let client = try RawClient(port: server.port)
        let start = Date()
        client.send("GET / HTTP/1.1\r\nHost: x\r\n")
        let responses = await client.readResponses(1)
        let elapsed = Date().timeIntervalSince(start)
        #expect(responses.first?.status == 408)
        #expect(elapsed >= 0.29 && elapsed < 1.5, "408 after \(elapsed) s")
        #expect(await client.sawEOF())
    }

    @Test func slowBodyTimesOutWith408() async throws {
        let server = try startServer(limits: ServerLimits(bodyTimeout: .milliseconds(300)))
        defer { server.shutdown() }
        let client = try RawClient(port: server.port)
        client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        #expect(await client.readResponses(1).first?.status == 408)
        #expect(await client.sawEOF())
    }

    @Test func idleKeepAliveConnectionIsClosed() async throws {
        let server = try startServer(limits: ServerLimits(idleTimeout: .milliseconds(300)))
        defer { server.shutdown() }
        let client = try RawClient(port: server.port)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await client.readResponses(1).first?.status == 200)
        let start = Date()
        #expect(await client.sawEOF())
        #expect(Date().timeIntervalSince(start) < 1.5)
    }

    @Test func connectionCloseAndHTTP10Close() async throws {
        let server = try startServer()
        defer { server.shutdown() }
        let a = try RawClient(port: server.port)
        a.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /ignored HTTP/1.1\r\nHost: x\r\n\r\n")
        let ra = await a.readResponses(2)
        #expect(ra.count == 1)
        #expect(ra.first?.header("Connection") == "close")
        let b = try RawClient(port: server.port)
        b.send("GET / HTTP/1.0\r\n\r\n")
        #expect(await b.readResponses(1).first?.status == 200)
        #expect(await b.sawEOF())
        let c = try RawClient(port: server.port)
        c.send("GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n")
        let rc = await c.readResponses(2)
        #expect(rc.map(\.body) == ["GET /1 ", "GET /2 "])
        #expect(rc.first?.header("Connection") == "keep-alive")
        #expect(await c.sawEOF())
    }

    @Test func expectContinueGets100ThenFinalResponse() async throws {
        let server = try startServer()
        defer { server.shutdown() }
        let client = try RawClient(port: server.port)
        client.send("POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        let interim = await client.readResponses(1)
        #expect(interim.first?.status == 100)
        client.send("data")
        let final = await client.readResponses(1)
        #expect(final.first?.status == 200)
        #expect(final.first?.body == "POST /e data")
    }

    @Test func headResponseHasLengthButNoBody() async throws {
        let server = try startServer()
        defer { server.shutdown() }
        let client = try RawClient(port: server.port)
        client.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let raw = await client.readAll()
        let parts = raw.components(separatedBy: "\r\n\r\n")
        // HEAD: headers with the GET length (8), then immediately the next response; the GET body ends the stream.
        #expect(parts.count == 3)
        #expect(parts.first?.contains("Content-Length: 8") == true)
        #expect(parts.dropFirst().first?.hasPrefix("HTTP/1.1 200 OK") == true)
        #expect(parts.last == "GET /g ")
    }

    @Test func connectionCapRejectsExtraButKeepsServing() async throws {
        let server = try startServer(limits: ServerLimits(maxConnections: 5, evictIdleAfter: nil))
        defer { server.shutdown() }
        var held: [RawClient] = []
        for _ in 0..<5 {
            let c = try RawClient(port: server.port)
            c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await c.readResponses(1).first?.status == 200)
            held.append(c)
        }
        var rejected = 0
        for _ in 0..<5 {
            let c = try RawClient(port: server.port)
            let r = await c.readResponses(1)
            if r.first?.status == 503 { rejected += 1 }
            #expect(await c.sawEOF())
        }
        #expect(rejected == 5)
        // Held connections still work.
        for c in held {
            c.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await c.readResponses(1).first?.body == "GET /again ")
        }
        held.removeAll()
        // Slots are released when connections close.
        var served = false
        for _ in 0..<50 where !served {
            let c = try RawClient(port: server.port)
            c.send("GET /later HTTP/1.1\r\nHost: x\r\n\r\n")
            served = await c.readResponses(1).first?.status == 200
            if !served { usleep(20_000) }
        }
        #expect(served)
    }

    /// Hostile clients that open connections and send nothing used to hold the cap for the whole idle timeout,
    /// so every other client got 503 (`make hostile`: 10,000 idle connections against 5,000 → 0 % served).
    @Test func connectionCapEvictsTheLongestIdleConnectionButNotARequestInProgress() async throws {
        let server = try startServer(
            limits: ServerLimits(maxConnections: 3, evictIdleAfter: .milliseconds(500)), loops: 1)
        defer { server.shutdown() }
        let partial = try RawClient(port: server.port)
        partial.send("GET /partial HTTP/1.1\r\nHost: x\r\n")  // a head in progress: never evicted
        let oldest = try RawClient(port: server.port)
        usleep(50_000)
        let newer = try RawClient(port: server.port)
        usleep(600_000)

        let first = try RawClient(port: server.port)
        first.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await first.readResponses(1).first?.status == 200)
        #expect(await oldest.sawEOF(), "the oldest idle connection was not closed")
        let second = try RawClient(port: server.port)
        second.send("GET /second HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await second.readResponses(1).first?.status == 200)
        #expect(await newer.sawEOF())
        // Left: the partial head and two connections idle for less than 500 ms: no room.
        let third = try RawClient(port: server.port)
        third.send("GET /third HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await third.readResponses(1).first?.status == 503)
        partial.send("\r\n")
        #expect(await partial.readResponses(1).first?.body == "GET /partial ")
    }

    @Test func slowHandlerDoesNotStallOtherConnections() async throws {
        let server = try startServer(loops: 1)
        defer { server.shutdown() }
        let slow = try RawClient(port: server.port)
        slow.send("GET /slow?ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(50_000)
        let fast = try RawClient(port: server.port)
        let start = Date()
        fast.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await fast.readResponses(1).first?.status == 200)
        #expect(Date().timeIntervalSince(start) < 0.5)
        #expect(await slow.readResponses(1).first?.status == 200)
    }

    @Test func handlerHeadersCannotSplitTheResponse() async throws {
        let server = try startServer(handler: { _ in
            HTTPResponse(
                status: 200,
                headers: HTTPHeaders([("X-Evil", "a\r\nSet-Cookie: x=1"), ("X-Good", "b"), ("Content-Length", "999")]),
                body: Array("ok".utf8)
            )
        })
        defer { server.shutdown() }
        let client = try RawClient(port: server.port)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = await client.readResponses(1).first
        #expect(response?.header("X-Good") == "b")
        #expect(response?.header("Set-Cookie") == nil)
        #expect(response?.header("X-Evil") == nil)
        #expect(response?.header("Content-Length") == "2")
        #expect(response?.body == "ok")
    }

    /// slowhttptest -X (slow read) held its 1,000 connections for the whole attack: nothing bounded how long a
    /// client may take to read a response.
    @Test func clientThatDoesNotTakeItsResponseIsClosedAfterTheSendTimeout() async throws {
        let big = [UInt8](repeating: 0x61, count: 8_000_000)
        let server = try startServer(
            limits: ServerLimits(sendTimeout: .milliseconds(400)), handler: { _ in HTTPResponse(status: 200, body: big) })
        defer { server.shutdown() }
        let client = try RawClient(port: server.port)
        client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        try await Task.sleep(for: .milliseconds(1_200))  // never reads: the send stalls, then the deadline passes
        let raw = await client.readAllBytes()
        #expect(raw.count > 0)
        #expect(raw.count < big.count, "the whole response arrived to a client that did not read")
    }

    @Test func largeResponseToASlowReaderArrivesWhole() async throws {
        let big = (0..<4_000_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let server = try startServer(handler: { _ in HTTPResponse(status: 200, body: big) })
        defer { server.shutdown() }
        let client = try RawClient(port: server.port)
        client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        try await Task.sleep(for: .milliseconds(200))  // the socket buffer fills; the server must wait for EPOLLOUT
        let raw = await client.readAllBytes()
        let expected = 2 * big.count
        #expect(raw.count > expected)
        #expect(Array(raw.suffix(big.count)) == big)
    }
}
