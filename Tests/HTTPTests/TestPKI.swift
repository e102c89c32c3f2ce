import Foundation

/// Runs a command line tool off the cooperative pool (the server's handlers need those threads).
func runTool(_ arguments: [String], in directory: String? = nil) async -> (status: Int32, stdout: String, stderr: String) {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            do {
                try process.run()
            } catch {
                continuation.resume(returning: (-1, "", "\(error)"))
                return
            }
            let outData = out.fileHandleForReading.readDataToEndOfFile()
            let errData = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            continuation.resume(
                returning: (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
            )
        }
    }
}

/// A throwaway PKI made with the `openssl` command line in a temp directory:
/// a CA, a server certificate for 127.0.0.1/localhost, a good client, a client from another CA, an expired
/// client and an expired server certificate (both via `openssl ca -startdate/-enddate`, since OpenSSL 3.0's
/// `x509 -req` cannot back-date).
struct TestPKI: Sendable {
    let directory: String

    var caCert: String { directory + "/ca.crt" }
    var serverCert: String { directory + "/server.crt" }
    var serverKey: String { directory + "/server.key" }
    var clientCert: String { directory + "/client.crt" }
    var clientKey: String { directory + "/client.key" }
    var otherClientCert: String { directory + "/other-client.crt" }
    var otherClientKey: String { directory + "/other-client.key" }
    var expiredClientCert: String { directory + "/expired-client.crt" }
    var expiredClientKey: String { directory + "/expired-client.key" }
    var expiredServerCert: String { directory + "/expired-server.crt" }
    var expiredServerKey: String { directory + "/expired-server.key" }

    /// The shared PKI, generated once per test process.
    static func shared() async throws -> TestPKI { try await PKICache.instance.get() }

    /// Lowercase hex SHA-256 fingerprint of a certificate, as `openssl x509 -fingerprint` computes it.
    static func fingerprint(_ certificate: String) async -> String {
        let result = await runTool(["openssl", "x509", "-in", certificate, "-noout", "-fingerprint", "-sha256"])
        let hex = result.stdout.split(separator: "=").last.map(String.init) ?? ""
        return hex.replacingOccurrences(of: ":", with: "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    fileprivate static func create() async throws -> TestPKI {
        let dir = NSTemporaryDirectory() + "interchange-pki-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/newcerts", withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: dir + "/index.txt"))
        try "01\n".write(toFile: dir + "/serial", atomically: true, encoding: .utf8)
        let caConfig = """
            [ ca ]
            default_ca = CA_default
            [ CA_default ]
            dir = \(dir)
            database = \(dir)/index.txt
            new_certs_dir = \(dir)/newcerts
            serial = \(dir)/serial
            default_md = sha256
            policy = policy_any
            unique_subject = no
            [ policy_any ]
            commonName = supplied
            """
        try caConfig.write(toFile: dir + "/ca.cnf", atomically: true, encoding: .utf8)
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: dir + "/san.ext", atomically: true, encoding: .utf8)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        let steps: [[String]] = [
            ["openssl", "req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.crt", "-days", "30", "-subj", "/CN=Test CA"],
            ["openssl", "req", "-x509"] + ec + ["-keyout", "other-ca.key", "-out", "other-ca.crt", "-days", "30", "-subj", "/CN=Other CA"],
            ["openssl", "req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
            ["openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
             "-days", "30", "-extfile", "san.ext", "-out", "server.crt"],
            ["openssl", "req"] + ec + ["-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=partner-1"],
            ["openssl", "x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
             "-days", "30", "-out", "client.crt"],
            ["openssl", "req"] + ec + ["-keyout", "other-client.key", "-out", "other-client.csr", "-subj", "/CN=intruder"],
            ["openssl", "x509", "-req", "-in", "other-client.csr", "-CA", "other-ca.crt", "-CAkey", "other-ca.key",
             "-CAcreateserial", "-days", "30", "-out", "other-client.crt"],
            ["openssl", "req"] + ec + ["-keyout", "expired-client.key", "-out", "expired-client.csr", "-subj", "/CN=expired"],
            ["openssl", "ca", "-batch", "-config", "ca.cnf", "-cert", "ca.crt", "-keyfile", "ca.key", "-in",
             "expired-client.csr", "-out", "expired-client.crt", "-startdate", "20200101000000Z", "-enddate",
             "20200102000000Z", "-notext"],
            ["openssl", "req"] + ec + ["-keyout", "expired-server.key", "-out", "expired-server.csr", "-subj", "/CN=localhost"],
            ["openssl", "ca", "-batch", "-config", "ca.cnf", "-cert", "ca.crt", "-keyfile", "ca.key", "-in",
             "expired-server.csr", "-out", "expired-server.crt", "-startdate", "20200101000000Z", "-enddate",
             "20200102000000Z", "-notext"],
        ]
        for step in steps {
            let result = await runTool(step, in: dir)
            guard result.status == 0 else {
                throw PKIError(message: "\(step.joined(separator: " ")) failed: \(result.stderr)")
            }
        }
        return TestPKI(directory: dir)
    }
}

/// A PKI generation failure.
struct PKIError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

private actor PKICache {
    static let instance = PKICache()
    private var task: Task<TestPKI, Error>?

    func get() async throws -> TestPKI {
        if let task { return try await task.value }
        let task = Task { try await TestPKI.create() }
        self.task = task
        return try await task.value
    }
}
