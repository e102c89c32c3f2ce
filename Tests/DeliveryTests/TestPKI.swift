import Foundation

/// A throw-away PKI made with the `openssl` CLI: an EC P-256 CA, a server certificate for
/// `localhost`/`127.0.0.1`, a client certificate (`CN=partner-1`), and the server key's SPKI pin.
struct TestPKI: Sendable {
    let directory: URL
    var caCertificate: String { path("ca.crt") }
    var serverCertificate: String { path("server.crt") }
    var serverKey: String { path("server.key") }
    var clientCertificate: String { path("client.crt") }
    var clientKey: String { path("client.key") }
    /// `sha256//…` of the server's public key.
    let serverPin: String
    /// `sha256//…` of the CA's public key: a valid pin of the wrong key.
    let wrongPin: String

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Made once per test process; generation takes a few hundred milliseconds.
    static let shared: TestPKI = {
        do { return try TestPKI() } catch { fatalError("test PKI: \(error)") }
    }()

    private init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("delivery-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let dir = directory.path
        let script = """
            set -e
            cd '\(dir)'
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
              -days 2 -subj '/CN=Delivery Test CA' 2>/dev/null
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr \
              -subj '/CN=localhost' 2>/dev/null
            printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > server.ext
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext \
              -out server.crt 2>/dev/null
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key -out client.csr \
              -subj '/CN=partner-1' 2>/dev/null
            printf 'extendedKeyUsage=clientAuth\\n' > client.ext
            openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext \
              -out client.crt 2>/dev/null
            openssl x509 -in server.crt -pubkey -noout | openssl pkey -pubin -outform der \
              | openssl dgst -sha256 -binary | base64 > server.pin
            openssl x509 -in ca.crt -pubkey -noout | openssl pkey -pubin -outform der \
              | openssl dgst -sha256 -binary | base64 > ca.pin
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "openssl failed"])
        }
        let read = { (name: String) throws -> String in
            try String(contentsOfFile: dir + "/" + name, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        serverPin = "sha256//" + (try read("server.pin"))
        wrongPin = "sha256//" + (try read("ca.pin"))
    }
}
