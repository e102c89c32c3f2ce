import Delivery
import Foundation
import Glibc
import HTTP
import Simulators
import Testing

@Suite struct SimulatorSuiteTests {
    @Test func endpointsComeFromDestinationURLs() {
        let doj = SimulatorEndpoint(url: "https://127.0.0.1:9105/doj/{province}/records", format: "justice.doj")
        #expect(doj == SimulatorEndpoint(agency: .justice, host: "127.0.0.1", port: 9105, path: "/doj/{province}/records"))
        #expect(SimulatorEndpoint(url: "https://127.0.0.1:9102/api/egw", format: "bhxh.portal")?.port == 9102)
        #expect(SimulatorEndpoint(url: "http://localhost/v1/visits?x=1", format: "healthbook.visit")
            == SimulatorEndpoint(agency: .healthBook, host: "localhost", port: 80, path: "/v1/visits"))
        #expect(SimulatorEndpoint(url: "https://h/v1/records", format: "judicial.record")?.port == 443)
        #expect(SimulatorEndpoint(url: "https://127.0.0.1:9101/v1/visits", format: "canonical.json") == nil)
        #expect(SimulatorEndpoint(url: "ftp://127.0.0.1:9101/", format: "healthbook.visit") == nil)
        #expect(SimulatorEndpoint(url: "https://127.0.0.1:99999/", format: "healthbook.visit") == nil)
    }

    @Test func suiteServesEveryAgencyOnTheConfiguredPathsOverMutualTLS() async throws {
        let pki = try SimulatorTestPKI()
        let tls = TLSConfiguration(certificateChainFile: pki.path("server.crt"), privateKeyFile: pki.path("server.key"),
                                   clientCAFile: pki.path("ca.crt"), clientCertificates: .required)
        let citizens = [Citizen(citizenId: "001303012345", fullName: "Nguyễn Thị Lan", dateOfBirth: "2003-03-15",
                                sex: "female", residenceProvince: "01")]
        let suite = SimulatorSuite(
            endpoints: [
                SimulatorEndpoint(agency: .justice, port: 0, path: "/stp/{province}/ho-so"),
                SimulatorEndpoint(agency: .healthBook, port: 0, path: "/book/visits"),
            ],
            tls: tls, citizens: citizens)
        try suite.start()
        defer { suite.shutdown() }
        #expect(Set(suite.all.map(\.server.port)).count == 6)
        #expect(suite.listening.allSatisfy { $0.url.hasPrefix("https://localhost:") })
        let client = DestinationTLS(caFile: pki.path("ca.crt"), certificateFile: pki.path("client.crt"),
                                    keyFile: pki.path("client.key"))
        let lan = await Wire.send(suite.population.baseURL + "/v1/citizens/001303012345", method: "GET", tls: client)
        #expect(lan.status == 200)
        let doj = await Wire.send(suite.justice.baseURL + "/stp/48/ho-so", body: Wire.json(["a": 1]),
                                  contentType: "application/json", tls: client)
        #expect(doj.status == 201)
        #expect(suite.justice.records(province: "48").count == 1)
        #expect(await Wire.send(suite.healthBook.baseURL + "/book/visits", body: Wire.json(["a": 1]),
                                contentType: "application/json", tls: client).status == 422)
        // Without the client certificate the handshake is refused.
        let anonymous = await Wire.send(suite.population.baseURL + "/v1/citizens/001303012345", method: "GET",
                                        tls: DestinationTLS(caFile: pki.path("ca.crt")))
        #expect(anonymous.status == 0)
        #expect(suite.population.server.recorder.total == 1)
    }

    @Test func aTakenPortIsReportedWithTheAgencyAndNothingIsLeftRunning() throws {
        // A plain listener (no SO_REUSEPORT) holds the port, so the simulator cannot share it.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        #expect(bound == 0 && listen(fd, 4) == 0)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let taken = Int(UInt16(bigEndian: address.sin_port))
        let clash = SimulatorSuite(endpoints: [SimulatorEndpoint(agency: .vneid, port: taken, path: "/")])
        do {
            try clash.start()
            clash.shutdown()
            Issue.record("the suite should not start on a port in use")
        } catch {
            #expect(error.agency == .vneid)
            #expect(error.description.hasPrefix("VNeID simulator:"))
            #expect(clash.healthBook.port == 0, "simulators started before it are stopped again")
        }
    }
}

/// A throw-away CA, a server certificate for localhost/127.0.0.1 and a client certificate (openssl CLI).
struct SimulatorTestPKI {
    let directory: URL

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sims-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = """
            set -e
            cd '\(directory.path)'
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
              -days 2 -subj '/CN=Sims Test CA' 2>/dev/null
            for who in server client; do
              openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $who.key -out $who.csr \
                -subj "/CN=$who" 2>/dev/null
            done
            printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > server.ext
            printf 'extendedKeyUsage=clientAuth\\n' > client.ext
            for who in server client; do
              openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile $who.ext \
                -out $who.crt 2>/dev/null
            done
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}
