import Delivery
import Foundation
import HTTPCore
import Simulators
import Synchronization
import Testing

@Suite struct HTTPClientTests {
    func startSimulator(conflictOnDuplicate: Bool = false) throws -> DestinationSimulator {
        let simulator = DestinationSimulator(conflictOnDuplicate: conflictOnDuplicate)
        try simulator.start()
        return simulator
    }

    @Test func postsBodyAndHeadersAndReadsTheResponse() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let body = Array(#"{"MA_LK":"LK001","amount":12}"#.utf8)
        let result = await client.send(
            OutboundRequest(
                url: simulator.baseURL + "/v1/visits",
                headers: [("Content-Type", "application/json"), ("Idempotency-Key", "k-1"), ("X-Trace", "abc")],
                body: body, timeout: .seconds(5)))
        let response = try result.get()
        #expect(response.status == 200)
        #expect(response.header("content-type") == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"key":"k-1","status":"received"}"#)
        #expect(response.newConnections == 1)
        #expect(response.latency > .zero)
        let seen = try #require(simulator.recorder.request(key: "k-1"))
        #expect(seen.count == 1)
        #expect(seen.path == "/v1/visits")
        #expect(seen.firstBody == body)
        #expect(seen.firstHeaders["X-Trace"] == "abc")
        #expect(seen.firstHeaders["Expect"] == nil)
    }

    @Test func reusesOneConnectionForSequentialPosts() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        let client = HTTPClient(workers: 1)
        defer { client.shutdown() }
        var connections = 0
        for index in 0..<100 {
            let response = try await client.send(
                OutboundRequest(
                    url: simulator.baseURL + "/", headers: [("Idempotency-Key", "seq-\(index)")],
                    body: Array(repeating: 0x41, count: 2048), timeout: .seconds(5))
            ).get()
            #expect(response.status == 200)
            connections += response.newConnections
        }
        #expect(connections == 1)
        #expect(simulator.recorder.total == 100)
    }

    @Test func concurrentPostsStayWithinTheConnectionCap() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        let client = HTTPClient(workers: 1, maxConnectionsPerHost: 8)
        defer { client.shutdown() }
        let url = simulator.baseURL + "/"
        let (ok, connections) = await withTaskGroup(of: (Bool, Int).self) { group in
            for index in 0..<200 {
                group.addTask {
                    let result = await client.send(
                        OutboundRequest(url: url, headers: [("Idempotency-Key", "c-\(index)")], body: [1, 2, 3], timeout: .seconds(10)))
                    guard case .success(let response) = result else { return (false, 0) }
                    return (response.status == 200, response.newConnections)
                }
            }
            var ok = 0
            var connections = 0
            for await (success, opened) in group {
                if success { ok += 1 }
                connections += opened
            }
            return (ok, connections)
        }
        #expect(ok == 200)
        #expect(connections >= 1 && connections <= 8)
        #expect(simulator.recorder.counts.count == 200)
    }

    @Test func getSendsNoBody() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let response = try await client.send(OutboundRequest(url: simulator.baseURL + "/_control/received", method: "GET")).get()
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "{}")
    }

    @Test func hangingServerTimesOut() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        simulator.mode = .hang
        let client = HTTPClient()
        defer { client.shutdown() }
        let started = ContinuousClock.now
        let result = await client.send(OutboundRequest(url: simulator.baseURL + "/", body: [1], timeout: .milliseconds(300)))
        let elapsed = ContinuousClock.now - started
        guard case .failure(let error) = result else {
            Issue.record("expected a timeout, got \(result)")
            return
        }
        #expect(error.kind == .timeout)
        #expect(error.curlCode == 28)
        #expect(elapsed >= .milliseconds(280))
        simulator.mode = .ok
    }

    @Test func refusedConnectionIsConnectFailed() async throws {
        let listener = try ResetListener()
        let port = listener.port
        listener.shutdown()
        try await Task.sleep(for: .milliseconds(50))
        let client = HTTPClient()
        defer { client.shutdown() }
        let result = await client.send(OutboundRequest(url: "http://127.0.0.1:\(port)/", body: [1], timeout: .seconds(2)))
        guard case .failure(let error) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(error.kind == .connectFailed)
        #expect(error.curlCode == 7)
    }

    @Test func resetConnectionIsReset() async throws {
        let listener = try ResetListener()
        defer { listener.shutdown() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let result = await client.send(OutboundRequest(url: listener.baseURL + "/", body: [1, 2, 3], timeout: .seconds(2)))
        guard case .failure(let error) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(error.kind == .reset)
        #expect(!error.message.isEmpty)
    }

    @Test func responseBodyIsCapped() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        simulator.route("/big") { _, _ in HTTPResponse(status: 200, body: Array(repeating: 0x7A, count: 100_000)) }
        let client = HTTPClient(maxResponseBody: 65_536)
        defer { client.shutdown() }
        let response = try await client.send(OutboundRequest(url: simulator.baseURL + "/big", body: [1])).get()
        #expect(response.body.count == 65_536)
        #expect(response.bodyTruncated)
    }

    @Test func malformedURLIsInvalidRequest() async {
        let client = HTTPClient()
        defer { client.shutdown() }
        let result = await client.send(OutboundRequest(url: "gopher-not-a-url://", body: [1]))
        guard case .failure(let error) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.kind == .invalidRequest)
    }

    @Test func sendAfterShutdownFails() async {
        let client = HTTPClient()
        client.shutdown()
        let result = await client.send(OutboundRequest(url: "http://127.0.0.1:9/", body: [1]))
        guard case .failure(let error) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.kind == .shutdown)
    }

    @Test func shutdownFailsRequestsInFlight() async throws {
        let simulator = try startSimulator()
        defer { simulator.shutdown() }
        simulator.mode = .hang
        let client = HTTPClient()
        let url = simulator.baseURL + "/"
        let pending = Task { await client.send(OutboundRequest(url: url, body: [1], timeout: .seconds(30))) }
        #expect(await eventually { simulator.recorder.total == 1 })
        client.shutdown()
        guard case .failure(let error) = await pending.value else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.kind == .shutdown)
        simulator.mode = .ok
    }
}

@Suite struct HTTPClientLargeBodyTests {
    @Test func largeBodyIsSentWithoutExpectContinue() async throws {
        let simulator = DestinationSimulator(maxBodyBytes: 4 * 1_048_576)
        try simulator.start()
        defer { simulator.shutdown() }
        let client = HTTPClient()
        defer { client.shutdown() }
        // libcurl would add `Expect: 100-continue` above ~1 MiB and stall up to 1 s waiting for `100`.
        let body = (0..<1_100_000).map { UInt8(truncatingIfNeeded: $0) }
        let response = try await client.send(
            OutboundRequest(url: simulator.baseURL + "/", headers: [("Idempotency-Key", "big")], body: body, timeout: .seconds(10))
        ).get()
        #expect(response.status == 200)
        let seen = try #require(simulator.recorder.request(key: "big"))
        #expect(seen.firstHeaders["Expect"] == nil)
        #expect(seen.firstBody == body)
    }
}
