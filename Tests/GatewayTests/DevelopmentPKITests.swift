import Foundation
import Gateway
import Testing

@Suite struct DevelopmentPKITests {
    private func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("interchange-pki-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    }

    @Test func initIsIdempotentAndKeysArePrivate() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pki = DevelopmentPKI(directory: directory, agencyIDs: ["bv-bachmai"], tokenNames: ["alice"])
        let first = try pki.generate()
        #expect(first.kept.isEmpty)
        #expect(Set(first.created) == [
            "ca.crt", "ca.key", "gateway.crt", "gateway.key", "gateway-client.crt", "gateway-client.key",
            "simulator.crt", "simulator.key", "agencies/bv-bachmai.crt", "agencies/bv-bachmai.key", "tokens/alice.token",
        ])
        for key in first.created where key.hasSuffix(".key") || key.hasSuffix(".token") {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/" + key)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(key)")
        }
        let before = try CertificateInfo.read(path: directory + "/agencies/bv-bachmai.crt")

        let second = try pki.generate()
        #expect(second.created.isEmpty)
        #expect(second.kept.count == first.created.count)
        #expect(try CertificateInfo.read(path: directory + "/agencies/bv-bachmai.crt").sha256 == before.sha256)

        // A lost leaf is re-issued alone, by the same CA.
        try FileManager.default.removeItem(atPath: directory + "/gateway.key")
        let third = try pki.generate()
        #expect(third.created == ["gateway.crt", "gateway.key"])

        let forced = try pki.generate(force: true)
        #expect(forced.kept.isEmpty)
        #expect(try CertificateInfo.read(path: directory + "/agencies/bv-bachmai.crt").sha256 != before.sha256)
    }

    @Test func certificatesChainAndCarryTheRightNames() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try DevelopmentPKI(directory: directory, agencyIDs: ["tand-hanoi"], tokenNames: []).generate()

        let agency = try CertificateInfo.read(path: directory + "/agencies/tand-hanoi.crt")
        #expect(agency.subject.hasSuffix("/CN=tand-hanoi"))
        #expect(agency.issuer.hasSuffix("/CN=Interchange Development CA"))
        #expect((823...825).contains(agency.daysLeft()))
        #expect(agency.daysLeft(now: Date().addingTimeInterval(900 * 86_400)) < 0)

        func openssl(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["openssl"] + arguments
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        let verify = try openssl([
            "verify", "-CAfile", directory + "/ca.crt", "-purpose", "sslserver", directory + "/gateway.crt",
        ])
        #expect(verify.contains("gateway.crt: OK"))
        let client = try openssl([
            "verify", "-CAfile", directory + "/ca.crt", "-purpose", "sslclient", directory + "/agencies/tand-hanoi.crt",
        ])
        #expect(client.contains("tand-hanoi.crt: OK"))
        let text = try openssl(["x509", "-in", directory + "/simulator.crt", "-noout", "-ext", "subjectAltName"])
        #expect(text.contains("DNS:localhost") && text.contains("IP Address:127.0.0.1"))
        let key = try openssl(["pkey", "-in", directory + "/gateway.key", "-noout", "-text"])
        #expect(key.contains("P-256"))
    }

    @Test func pemBlocks() {
        let text = "junk\n-----BEGIN CERTIFICATE-----\nAAEC\nAw==\n-----END CERTIFICATE-----\n"
            // A block whose body is not base64 is dropped, whatever its label (no key material in the source).
            + "-----BEGIN EXAMPLE DATA-----\nnot base64!\n-----END EXAMPLE DATA-----\n"
        let blocks = PEM.blocks(in: text)
        #expect(blocks == [PEM.Block(label: "CERTIFICATE", der: [0, 1, 2, 3])])
    }
}
