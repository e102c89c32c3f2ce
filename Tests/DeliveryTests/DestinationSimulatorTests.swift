import Delivery
import Foundation
import HTTPCore
import Simulators
import Testing

@Suite struct DestinationSimulatorTests {
    func post(_ client: HTTPClient, _ url: String, key: String? = nil) async throws -> OutboundResponse {
        try await client.send(
            OutboundRequest(url: url, headers: key.map { [("Idempotency-Key", $0)] } ?? [], body: [0x7B, 0x7D], timeout: .seconds(15))
        ).get()
    }

    @Test func controlEndpointsDriveFailuresAndReportCounts() async throws {
        let simulator = DestinationSimulator()
        try simulator.start()
        defer { simulator.shutdown() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let base = simulator.baseURL

        #expect(try await post(client, base + "/_control/fail?status=503&count=2&retryAfter=7").status == 204)
        let first = try await post(client, base + "/x", key: "a")
        #expect(first.status == 503)
        #expect(first.header("Retry-After") == "7")
        #expect(try await post(client, base + "/x", key: "a").status == 503)
        #expect(try await post(client, base + "/x", key: "a").status == 200)
        #expect(try await post(client, base + "/x", key: "b").status == 200)

        let received = try await client.send(OutboundRequest(url: base + "/_control/received", method: "GET")).get()
        #expect(String(decoding: received.body, as: UTF8.self) == #"{"a":3,"b":1}"#)

        #expect(try await post(client, base + "/_control/mode?m=slow&delay=200").status == 204)
        let started = ContinuousClock.now
        #expect(try await post(client, base + "/x", key: "c").status == 200)
        #expect(ContinuousClock.now - started >= .milliseconds(200))

        #expect(try await post(client, base + "/_control/mode?m=hang").status == 204)
        let hung = await client.send(OutboundRequest(url: base + "/x", body: [1], timeout: .milliseconds(200)))
        guard case .failure(let error) = hung else {
            Issue.record("hang mode must not answer")
            return
        }
        #expect(error.kind == .timeout)

        #expect(try await post(client, base + "/_control/mode?m=bogus").status == 400)
        #expect(try await post(client, base + "/_control/reset").status == 204)
        #expect(simulator.recorder.total == 0)
        #expect(simulator.mode == .ok)
    }

    @Test func duplicatesAnswerTheSameOrConflictWhenConfigured() async throws {
        let simulator = DestinationSimulator()
        try simulator.start()
        defer { simulator.shutdown() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let one = try await post(client, simulator.baseURL + "/", key: "k")
        let two = try await post(client, simulator.baseURL + "/", key: "k")
        #expect(one.status == 200 && two.status == 200)
        #expect(one.body == two.body)
        simulator.conflictOnDuplicate = true
        #expect(try await post(client, simulator.baseURL + "/", key: "k").status == 409)
        #expect(try await post(client, simulator.baseURL + "/", key: "new").status == 200)
        #expect(simulator.recorder.request(key: "k")?.count == 3)
    }

    @Test func routesServeAgencySpecificAnswers() async throws {
        let simulator = DestinationSimulator()
        simulator.route("/api/token/take") { _, recorded in
            .json(200, Array(#"{"maKetQua":"200","seen":\#(recorded.count)}"#.utf8))
        }
        try simulator.start()
        defer { simulator.shutdown() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let response = try await post(client, simulator.baseURL + "/api/token/take", key: "t")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"maKetQua":"200","seen":1}"#)
        // Fault injection still applies before the route.
        simulator.fail(status: 500)
        #expect(try await post(client, simulator.baseURL + "/api/token/take", key: "t").status == 500)
    }
}
