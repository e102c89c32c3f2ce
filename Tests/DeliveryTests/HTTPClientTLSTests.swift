import Delivery
import Foundation
import HTTP
import HTTPCore
import Simulators
import Testing

@Suite struct HTTPClientTLSTests {
    let pki = TestPKI.shared

    func startMutualTLSSimulator() throws -> DestinationSimulator {
        let simulator = DestinationSimulator(
            tls: TLSConfiguration(
                certificateChainFile: pki.serverCertificate, privateKeyFile: pki.serverKey,
                clientCAFile: pki.caCertificate, clientCertificates: .required))
        simulator.route("/whoami") { request, _ in
            HTTPResponse(status: 200, body: Array((request.connection.clientSubject ?? "none").utf8))
        }
        try simulator.start()
        return simulator
    }

    var fullTLS: DestinationTLS {
        DestinationTLS(
            caFile: pki.caCertificate, certificateFile: pki.clientCertificate, keyFile: pki.clientKey,
            pinnedPublicKey: pki.serverPin)
    }

    @Test func mutualTLSWithPinSucceedsAndReusesTheConnection() async throws {
        let simulator = try startMutualTLSSimulator()
        defer { simulator.shutdown() }
        let client = HTTPClient()
        defer { client.shutdown() }
        var connections = 0
        for index in 0..<20 {
            let response = try await client.send(
                OutboundRequest(
                    url: simulator.baseURL + "/whoami", headers: [("Idempotency-Key", "tls-\(index)")], body: [1],
                    timeout: .seconds(5), tls: fullTLS)
            ).get()
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self).contains("partner-1"))
            connections += response.newConnections
        }
        #expect(connections == 1)
    }

    @Test func pinMismatchIsATransportError() async throws {
        let simulator = try startMutualTLSSimulator()
        defer { simulator.shutdown() }
        let client = HTTPClient()
        defer { client.shutdown() }
        var tls = fullTLS
        tls.pinnedPublicKey = pki.wrongPin
        let result = await client.send(OutboundRequest(url: simulator.baseURL + "/whoami", body: [1], timeout: .seconds(5), tls: tls))
        guard case .failure(let error) = result else {
            Issue.record("a wrong pin must fail, got \(result)")
            return
        }
        #expect(error.kind == .pinMismatch)
        #expect(error.curlCode == 90)
        #expect(simulator.recorder.total == 0)
    }

    @Test func unknownCAFailsVerification() async throws {
        let simulator = try startMutualTLSSimulator()
        defer { simulator.shutdown() }
        let client = HTTPClient()
        defer { client.shutdown() }
        var tls = fullTLS
        tls.caFile = nil
        tls.pinnedPublicKey = nil
        let result = await client.send(OutboundRequest(url: simulator.baseURL + "/whoami", body: [1], timeout: .seconds(5), tls: tls))
        guard case .failure(let error) = result else {
            Issue.record("an untrusted server must fail, got \(result)")
            return
        }
        #expect(error.kind == .tls)
    }

    @Test func missingClientCertificateIsRejected() async throws {
        let simulator = try startMutualTLSSimulator()
        defer { simulator.shutdown() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let tls = DestinationTLS(caFile: pki.caCertificate)
        let result = await client.send(OutboundRequest(url: simulator.baseURL + "/whoami", body: [1], timeout: .seconds(5), tls: tls))
        guard case .failure(let error) = result else {
            Issue.record("mTLS without a certificate must fail, got \(result)")
            return
        }
        // TLS 1.3 rejects the missing certificate after the client's handshake finished: a read error.
        #expect(error.kind == .tls || error.kind == .reset)
        #expect(simulator.recorder.total == 0)
    }
}
