import Foundation

/// The development PKI behind `interchange certs init DIR`: a CA and EC P-256 certificates for the
/// gateway, its outbound client, the simulated agencies and every configured agency, plus bearer
/// tokens. Generated with the `openssl` command line. Never for production: the CA key sits next to
/// the certificates.
///
/// Idempotent: a certificate whose `.crt` and `.key` both exist is kept (unless `force`); a new CA
/// re-issues every certificate, since the old ones would no longer verify.
public struct DevelopmentPKI: Sendable {
    /// What one run did.
    public struct Report: Sendable {
        /// Files written, relative to the PKI directory.
        public var created: [String] = []
        /// Files that existed and were kept.
        public var kept: [String] = []
        /// Body-encryption key files written (absolute paths; they may lie outside the PKI directory).
        public var bodyKeys: [String] = []
    }

    /// Output directory, e.g. `pki`.
    public var directory: String
    /// Agencies that get `agencies/<id>.crt/.key` (CN = id, clientAuth).
    public var agencyIDs: [String]
    /// Names that get a random bearer token in `tokens/<name>.token` (operators, token-using agencies).
    public var tokenNames: [String]
    /// Body-encryption key files (absolute paths) to create when missing; never replaced, not even with
    /// `force`, since bodies sealed with a key are unreadable without it.
    public var bodyKeyFiles: [String] = []
    /// Validity of leaf certificates in days.
    public var leafDays: Int = 825
    /// Validity of the CA in days.
    public var caDays: Int = 3650

    /// A PKI for `directory`.
    public init(directory: String, agencyIDs: [String], tokenNames: [String]) {
        self.directory = directory
        self.agencyIDs = agencyIDs
        self.tokenNames = tokenNames
    }

    /// The PKI a configuration needs: every agency gets a certificate; every operator, and every
    /// agency that names a `tokenFile`, gets a token.
    public init(directory: String, config: GatewayConfig) {
        self.init(
            directory: directory,
            agencyIDs: config.agencies.map(\.id),
            tokenNames: config.operators.map(\.name) + config.agencies.filter { $0.auth.tokenFile != nil }.map(\.id)
                + config.destinations.filter { $0.credentials != nil }.map(\.id)
        )
        bodyKeyFiles = config.encryption?.keys.map(\.file) ?? []
    }

    private struct Leaf {
        var name: String
        var subject: String
        var extensions: [String]
    }

    private static let serverExtensions = [
        "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1", "extendedKeyUsage=serverAuth",
        "basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature",
    ]
    private static let clientExtensions = [
        "extendedKeyUsage=clientAuth", "basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature",
    ]

    /// Creates whatever is missing (everything with `force`).
    ///
    /// - Throws: ``PKIError`` when `openssl` fails or a file cannot be written.
    public func generate(force: Bool = false) throws(PKIError) -> Report {
        var report = Report()
        try makeDirectory(directory, mode: 0o755)
        try makeDirectory(path("agencies"), mode: 0o755)
        if !tokenNames.isEmpty { try makeDirectory(path("tokens"), mode: 0o700) }

        let caExists = exists("ca.crt") && exists("ca.key")
        let newCA = force || !caExists
        if newCA {
            try prepareKey("ca.key")
            try openssl([
                "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", path("ca.key"), "-out", path("ca.crt"), "-days", String(caDays),
                "-subj", "/O=Interchange Development/CN=Interchange Development CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
            try restrict("ca.key")
            report.created += ["ca.crt", "ca.key"]
        } else {
            report.kept += ["ca.crt", "ca.key"]
        }

        var leaves = [
            Leaf(name: "gateway", subject: "/O=Interchange Development/CN=localhost", extensions: Self.serverExtensions),
            Leaf(name: "gateway-client", subject: "/O=Interchange Development/CN=interchange-gateway", extensions: Self.clientExtensions),
            Leaf(name: "simulator", subject: "/O=Interchange Development/CN=localhost", extensions: Self.serverExtensions),
        ]
        for id in agencyIDs {
            leaves.append(Leaf(name: "agencies/\(id)", subject: "/O=Interchange Development/CN=\(id)", extensions: Self.clientExtensions))
        }
        for leaf in leaves {
            let crt = "\(leaf.name).crt"
            let key = "\(leaf.name).key"
            if !newCA && exists(crt) && exists(key) {
                report.kept += [crt, key]
                continue
            }
            try prepareKey(key)
            var arguments = [
                "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", path(key), "-out", path(crt), "-days", String(leafDays), "-subj", leaf.subject,
                "-CA", path("ca.crt"), "-CAkey", path("ca.key"),
            ]
            for ext in leaf.extensions { arguments += ["-addext", ext] }
            try openssl(arguments)
            try restrict(key)
            report.created += [crt, key]
        }

        for name in tokenNames {
            let file = "tokens/\(name).token"
            if !force && exists(file) {
                report.kept.append(file)
                continue
            }
            try writeSecret(Self.randomToken() + "\n", to: file)
            report.created.append(file)
        }

        for file in bodyKeyFiles where !FileManager.default.fileExists(atPath: file) {
            try makeDirectory((file as NSString).deletingLastPathComponent, mode: 0o700)
            try writeSecret(BodyKeyFile.generate(), toAbsolute: file)
            report.bodyKeys.append(file)
        }
        return report
    }

    /// 32 random bytes, base64url without padding (43 characters).
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    // MARK: - Files

    private func path(_ relative: String) -> String {
        URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(relative).path
    }

    private func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

    private func makeDirectory(_ path: String, mode: Int) throws(PKIError) {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: mode]
            )
        } catch {
            throw .io("cannot create directory \(path): \(error.localizedDescription)")
        }
    }

    /// Creates the key file empty with mode 0600 before openssl writes it, so the key is never
    /// readable by others, not even for a moment (openssl truncates and keeps the mode).
    private func prepareKey(_ relative: String) throws(PKIError) {
        try prepareKey(absolute: path(relative))
    }

    private func prepareKey(absolute file: String) throws(PKIError) {
        try? FileManager.default.removeItem(atPath: file)
        guard FileManager.default.createFile(atPath: file, contents: Data(), attributes: [.posixPermissions: 0o600]) else {
            throw .io("cannot create \(file)")
        }
    }

    private func restrict(_ relative: String) throws(PKIError) {
        do {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path(relative))
        } catch {
            throw .io("cannot chmod 600 \(path(relative)): \(error.localizedDescription)")
        }
    }

    private func writeSecret(_ text: String, to relative: String) throws(PKIError) {
        try writeSecret(text, toAbsolute: path(relative))
    }

    private func writeSecret(_ text: String, toAbsolute file: String) throws(PKIError) {
        try prepareKey(absolute: file)
        guard let handle = FileHandle(forWritingAtPath: file) else { throw .io("cannot open \(file)") }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw .io("cannot write \(file): \(error.localizedDescription)")
        }
    }

    private func openssl(_ arguments: [String]) throws(PKIError) {
        let result = Self.run(["openssl"] + arguments)
        guard result.status == 0 else {
            throw .openssl("openssl \(arguments.prefix(2).joined(separator: " ")) failed (\(result.status)): \(result.output)")
        }
    }

    /// Runs a command found on PATH; returns its exit status and its stderr (stdout discarded).
    static func run(_ command: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return (127, "cannot start \(command.first ?? ""): \(error.localizedDescription)")
        }
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
