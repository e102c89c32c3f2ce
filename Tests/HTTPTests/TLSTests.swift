import Foundation
import HTTP
import HTTPCore
import Testing

/// Answers `<sha256>|<subject>|<tls version>|<isTLS>`.
@Sendable private func whoami(_ request: HTTPRequest) async -> HTTPResponse {
    let c = request.connection
    let text = "\(c.clientCertificateSHA256 ?? "-")|\(c.clientSubject ?? "-")|\(c.tlsVersion ?? "-")|\(c.isTLS)"
    return .body(200, contentType: "text/plain", Array(text.utf8))
}

private func curl(_ pki: TestPKI, port: Int, cert: String? = nil, key: String? = nil, extra: [String] = []) async
    -> (status: Int32, stdout: String, stderr: String)
{
    var args = ["curl", "-sS", "--max-time", "5", "--cacert", pki.caCert]
    if let cert, let key { args += ["--cert", cert, "--key", key] }
    args += extra
    args.append("https://localhost:\(port)/whoami")
    return await runTool(args)
}

@Suite struct TLSTests {
    private func server(_ pki: TestPKI, mode: TLSConfiguration.ClientCertificates = .required, limits: ServerLimits = ServerLimits()) throws -> HTTPServer {
        let tls = TLSConfiguration(
            certificateChainFile: pki.serverCert,
            privateKeyFile: pki.serverKey,
            clientCAFile: pki.caCert,
            clientCertificates: mode
        )
        return try startServer(limits: limits, tls: tls, handler: whoami)
    }

    @Test func goodClientCertificateIsAcceptedAndFingerprinted() async throws {
        let pki = try await TestPKI.shared()
        let server = try server(pki)
        defer { server.shutdown() }
        let result = await curl(pki, port: server.port, cert: pki.clientCert, key: pki.clientKey)
        #expect(result.status == 0, "\(result.stderr)")
        let fields = result.stdout.split(separator: "|").map(String.init)
        let expected = await TestPKI.fingerprint(pki.clientCert)
        #expect(expected.count == 64)
        #expect(fields.first == expected)
        #expect(fields.dropFirst().first?.contains("CN=partner-1") == true)
        #expect(fields.dropFirst(2).first == "TLSv1.3")
        #expect(fields.last == "true")
    }

    @Test func tls12IsNegotiatedWhenTheClientCapsIt() async throws {
        let pki = try await TestPKI.shared()
        let server = try server(pki)
        defer { server.shutdown() }
        let result = await curl(pki, port: server.port, cert: pki.clientCert, key: pki.clientKey, extra: ["--tls-max", "1.2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "|").dropFirst(2).first == "TLSv1.2")
    }

    @Test(arguments: ["none", "other CA", "expired"])
    func badClientCertificateIsRefused(_ kind: String) async throws {
        let pki = try await TestPKI.shared()
        let server = try server(pki)
        defer { server.shutdown() }
        let result: (status: Int32, stdout: String, stderr: String)
        switch kind {
        case "other CA": result = await curl(pki, port: server.port, cert: pki.otherClientCert, key: pki.otherClientKey)
        case "expired": result = await curl(pki, port: server.port, cert: pki.expiredClientCert, key: pki.expiredClientKey)
        default: result = await curl(pki, port: server.port)
        }
        #expect(result.status != 0, "\(kind): \(result.stdout)")
        #expect(!result.stdout.contains("|"), "\(kind) reached the handler")
    }

    @Test func optionalModeServesClientsWithoutCertificates() async throws {
        let pki = try await TestPKI.shared()
        let server = try server(pki, mode: .optional)
        defer { server.shutdown() }
        let result = await curl(pki, port: server.port)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("-|-|TLSv1.3|true"))
    }

    @Test func tls11IsRefused() async throws {
        let pki = try await TestPKI.shared()
        let server = try server(pki)
        defer { server.shutdown() }
        let result = await runTool([
            "openssl", "s_client", "-connect", "127.0.0.1:\(server.port)", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0",
            "-cert", pki.clientCert, "-key", pki.clientKey, "-CAfile", pki.caCert,
        ])
        #expect(result.status != 0)
        // s_client prints the attempted protocol even on failure; no cipher means no session.
        #expect(result.stdout.contains("Cipher is (NONE)"), "\(result.stdout)")
        let viaCurl = await curl(pki, port: server.port, cert: pki.clientCert, key: pki.clientKey,
                                 extra: ["--tlsv1.1", "--tls-max", "1.1", "--ciphers", "DEFAULT@SECLEVEL=0"])
        #expect(viaCurl.status != 0)
    }

    @Test func stalledHandshakeIsClosedAtTheHeadDeadline() async throws {
        let pki = try await TestPKI.shared()
        let server = try server(pki, limits: ServerLimits(headTimeout: .milliseconds(300)))
        defer { server.shutdown() }
        let client = try RawClient(port: server.port)
        let start = Date()
        #expect(await client.sawEOF())
        #expect(Date().timeIntervalSince(start) < 1.5)
    }

    @Test func setupErrorsNameTheFile() async throws {
        let pki = try await TestPKI.shared()
        func message(_ config: TLSConfiguration) -> String? {
            do {
                _ = try HTTPServer(configuration: ServerConfiguration(tls: config)) { _ in HTTPResponse(status: 200) }
                return nil
            } catch let error as TLSSetupError {
                return error.description
            } catch {
                return "unexpected \(error)"
            }
        }
        let missing = pki.directory + "/nope.crt"
        let m1 = message(TLSConfiguration(certificateChainFile: missing, privateKeyFile: pki.serverKey))
        #expect(m1?.contains(missing) == true && m1?.contains("missing") == true, "\(m1 ?? "nil")")
        let m2 = message(TLSConfiguration(certificateChainFile: pki.serverCert, privateKeyFile: pki.clientKey))
        #expect(m2?.contains(pki.clientKey) == true && m2?.contains("does not match") == true, "\(m2 ?? "nil")")
        let m3 = message(TLSConfiguration(certificateChainFile: pki.expiredServerCert, privateKeyFile: pki.expiredServerKey))
        #expect(m3?.contains(pki.expiredServerCert) == true && m3?.contains("expired") == true, "\(m3 ?? "nil")")
        let m4 = message(TLSConfiguration(certificateChainFile: pki.serverKey, privateKeyFile: pki.serverKey))
        #expect(m4?.contains("not a certificate") == true, "\(m4 ?? "nil")")
        let m5 = message(TLSConfiguration(certificateChainFile: pki.serverCert, privateKeyFile: pki.serverCert))
        #expect(m5?.contains("not a private key") == true, "\(m5 ?? "nil")")
    }

    @Test func largeBodiesBothWaysOverTLS() async throws {
        let pki = try await TestPKI.shared()
        let tls = TLSConfiguration(certificateChainFile: pki.serverCert, privateKeyFile: pki.serverKey)
        let server = try startServer(tls: tls, handler: { request in
            // Echo the upload three times: ~1.5 MB out, many TLS records, partial writes.
            HTTPResponse(status: 200, body: request.body + request.body + request.body)
        })
        defer { server.shutdown() }
        let upload = pki.directory + "/upload.bin"
        let download = pki.directory + "/download-\(server.port).bin"
        let payload = Data((0..<500_000).map { UInt8(truncatingIfNeeded: $0 % 253) })
        try payload.write(to: URL(fileURLWithPath: upload))
        let result = await runTool([
            "curl", "-sS", "--max-time", "10", "--cacert", pki.caCert, "--data-binary", "@" + upload,
            "-H", "Content-Type: application/octet-stream", "-o", download, "https://localhost:\(server.port)/echo",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let received = try Data(contentsOf: URL(fileURLWithPath: download))
        #expect(received == payload + payload + payload)
    }
}
