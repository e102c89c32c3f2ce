import Foundation
import Gateway
import Messages
import Testing

@Suite struct ConfigTests {
    // MARK: - The demo config

    @Test func demoConfigValidatesAfterCertsInit() throws {
        let config = try ConfigFixture.load(ConfigFixture.demo)
        #expect(config.node == "gw1")
        #expect(config.agencies.map(\.id) == ["bv-bachmai", "bv-hue", "tand-hanoi", "vksndtc", "vneid", "stp-hanoi"])
        #expect(config.destinations.count == 5)
        #expect(config.expandedDestinations.count == 5 + 63)
        #expect(config.routes.count == 7)
        #expect(config.listeners.map(\.isPlain) == [false, false, true])
        #expect(config.listeners[0].tls?.clientCertificates == .required)
        #expect(config.listeners[0].tls?.clientCA == ConfigFixture.base + "/pki/ca.crt")
        #expect(config.store == .sqlite(path: ConfigFixture.base + "/data/interchange.db"))
        let doj79 = try #require(config.destination(id: "doj-79"))
        #expect(doj79.url == "https://127.0.0.1:9105/doj/79/records")
        #expect(doj79.template == "doj-{province}")
        #expect(doj79.retry.maxAttempts == 30)
        #expect(config.destination(id: "doj-03") == nil)
    }

    @Test func certificateAndTokenLookups() throws {
        let config = try ConfigFixture.load(ConfigFixture.demo)
        let pem = try String(contentsOfFile: ConfigFixture.base + "/pki/agencies/tand-hanoi.crt", encoding: .utf8)
        let fingerprint = try #require(PEM.certificateSHA256(pem: pem))
        #expect(config.agency(forCertificateSHA256: fingerprint)?.id == "tand-hanoi")
        #expect(config.agency(forCertificateSHA256: fingerprint.uppercased())?.id == "tand-hanoi")
        #expect(config.agency(forCertificateSHA256: String(repeating: "0", count: 64)) == nil)

        let hueToken = try String(contentsOfFile: ConfigFixture.base + "/pki/tokens/bv-hue.token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(config.agency(forTokenSHA256: TokenFile.hash(ofToken: hueToken))?.id == "bv-hue")
        #expect(config.agency(forTokenSHA256: TokenFile.hash(ofToken: hueToken + "x")) == nil)

        let aliceToken = try String(contentsOfFile: ConfigFixture.base + "/pki/tokens/alice.token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(aliceToken.count == 43)
        #expect(config.operator(forTokenSHA256: TokenFile.hash(ofToken: aliceToken))?.role == .operator)
        // An agency token is not an operator token.
        #expect(config.operator(forTokenSHA256: TokenFile.hash(ofToken: hueToken)) == nil)
    }

    @Test func fingerprintMatchesOpenSSL() throws {
        let path = ConfigFixture.base + "/pki/agencies/bv-bachmai.crt"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "x509", "-fingerprint", "-sha256", "-noout", "-in", path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // "sha256 Fingerprint=AB:CD:..." (the prefix's case differs between OpenSSL versions)
        let line = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let colonHex = try #require(line.split(separator: "=").last.map(String.init))
        let openssl = colonHex.replacingOccurrences(of: ":", with: "").lowercased()
        #expect(openssl.count == 64)
        let ours = PEM.certificateSHA256(pem: try String(contentsOfFile: path, encoding: .utf8))
        #expect(ours == openssl)
        // The colon form openssl prints is accepted in config and look-ups.
        let config = try ConfigFixture.load(
            ConfigFixture.demo(setting: ["agencies", 0, "auth"], to: ["certificateSHA256": [colonHex]])
        )
        #expect(config.agency(forCertificateSHA256: colonHex)?.id == "bv-bachmai")
        #expect(config.agencies[0].auth.certificate == nil)
    }

    // MARK: - Each kind of problem, reported at its path

    @Test func missingFile() {
        let problems = ConfigFixture.problems(
            ConfigFixture.demo(setting: ["agencies", 3, "auth", "certificate"], to: "pki/agencies/nobody.crt")
        )
        #expect(problems.count == 1)
        #expect(problems["agencies[3].auth.certificate"]?.hasPrefix("file not found") == true)
    }

    @Test func fileThatIsNotACertificate() {
        let problems = ConfigFixture.problems(
            ConfigFixture.demo(setting: ["listeners", 0, "tls", "certificate"], to: "pki/gateway.key")
        )
        #expect(problems["listeners[0].tls.certificate"]?.hasPrefix("not a PEM certificate") == true)
    }

    @Test func badPort() {
        let problems = ConfigFixture.problems(ConfigFixture.demo(setting: ["listeners", 0, "port"], to: 70000))
        #expect(problems == ["listeners[0].port": "must be 1–65535, found 70000"])
        let zero = ConfigFixture.problems(ConfigFixture.demo(setting: ["listeners", 1, "port"], to: 0))
        #expect(zero.keys.sorted() == ["listeners[1].port"])
    }

    @Test func duplicatePort() {
        let problems = ConfigFixture.problems(ConfigFixture.demo(setting: ["listeners", 2, "port"], to: 8443))
        #expect(problems["listeners[2].port"]?.contains("duplicate port \"8443\"") == true)
    }

    @Test func unknownDestinationInRoute() {
        let problems = ConfigFixture.problems(
            ConfigFixture.demo(setting: ["routes", 2, "destinations"], to: ["bhxh", "bhxhx"])
        )
        #expect(problems == ["routes[2].destinations[1]": "unknown destination \"bhxhx\""])
        let template = ConfigFixture.problems(
            ConfigFixture.demo(setting: ["routes", 3, "destinations"], to: ["dof-{attr:courtProvince}", "doj-79"])
        )
        #expect(template == ["routes[3].destinations[0]": "unknown destination \"dof-{attr:courtProvince}\""])
    }

    @Test func duplicateIDs() {
        let agencies = ConfigFixture.problems(ConfigFixture.demo(setting: ["agencies", 2, "id"], to: "bv-bachmai"))
        #expect(agencies["agencies[2].id"]?.hasPrefix("duplicate agency id \"bv-bachmai\" (also at agencies[0])") == true)
        // A configured destination may not collide with a template expansion.
        let destinations = ConfigFixture.problems(ConfigFixture.demo(setting: ["destinations", 2, "id"], to: "doj-01"))
        #expect(destinations.keys.contains("destinationTemplates[0].id"))
    }

    @Test func identifierFormat() {
        let problems = ConfigFixture.problems(ConfigFixture.demo(setting: ["agencies", 0, "id"], to: "BV_BachMai"))
        #expect(problems["agencies[0].id"]?.hasPrefix("must match [a-z0-9-]+") == true)
    }

    @Test func unknownKeys() {
        let problems = ConfigFixture.problems(
            ConfigFixture.edited([
                (["listeners", 1, "tsl"], ["certificate": "x"]),
                (["destinations", 0, "retry", "maxAttemps"], 3),
                (["colour"], "blue"),
            ])
        )
        #expect(problems["listeners[1].tsl"]?.hasPrefix("unknown key") == true)
        #expect(problems["destinations[0].retry.maxAttemps"]?.hasPrefix("unknown key") == true)
        #expect(problems["colour"]?.hasPrefix("unknown key") == true)
        #expect(problems.count == 3)
    }

    @Test func typeMismatches() {
        let problems = ConfigFixture.problems(
            ConfigFixture.edited([
                (["listeners", 0, "port"], "8443"),
                (["agencies", 1, "types"], "hospital.visit"),
                (["agencies", 2, "populationLookup"], 1),
                (["limits", "maxBodyBytes"], 1.5),
                (["routes", 0], "healthbook"),
            ])
        )
        #expect(problems["listeners[0].port"] == "expected an integer, found a string")
        #expect(problems["agencies[1].types"] == "expected an array, found a string")
        #expect(problems["agencies[2].populationLookup"] == "expected true or false, found a number")
        #expect(problems["limits.maxBodyBytes"] == "expected an integer, found 1.5")
        #expect(problems["routes[0]"] == "expected an object, found a string")
    }

    @Test func missingKeys() {
        let problems = ConfigFixture.problems(
            ConfigFixture.edited([(["node"], nil), (["agencies", 0, "kind"], nil), (["destinations", 1, "url"], nil)])
        )
        #expect(problems["node"] == "required key is missing")
        #expect(problems["agencies[0].kind"] == "required key is missing")
        #expect(problems["destinations[1].url"] == "required key is missing")
    }

    @Test func plainListenerOnlyOnLoopback() {
        let problems = ConfigFixture.problems(ConfigFixture.demo(setting: ["listeners", 2, "host"], to: "0.0.0.0"))
        #expect(problems.keys.sorted() == ["listeners[2].host"])
        #expect(problems["listeners[2].host"]?.contains("loopback") == true)
        for host in ["::1", "localhost", "127.0.0.2"] {
            #expect(ConfigFixture.problems(ConfigFixture.demo(setting: ["listeners", 2, "host"], to: host)).isEmpty)
        }
    }

    @Test func agencyListenerNeedsClientCA() {
        let problems = ConfigFixture.problems(ConfigFixture.demo(setting: ["listeners", 0, "tls", "clientCA"], to: nil))
        #expect(problems.keys.sorted() == ["listeners[0].tls.clientCA"])
        let none = ConfigFixture.edited([
            (["listeners", 0, "tls", "clientCA"], nil), (["listeners", 0, "tls", "clientCertificates"], "none"),
        ])
        #expect(ConfigFixture.problems(none).isEmpty)
    }

    @Test func badSHA256() {
        let problems = ConfigFixture.problems(
            ConfigFixture.edited([
                (["operators", 0], ["name": "alice", "role": "operator", "tokenSHA256": "abc"]),
                (["agencies", 0, "auth", "tokenSHA256"], [String(repeating: "g", count: 64)]),
            ])
        )
        #expect(problems["operators[0].tokenSHA256"] == "must be a SHA-256 in hex (64 characters)")
        #expect(problems["agencies[0].auth.tokenSHA256[0]"] == "must be a SHA-256 in hex (64 characters)")
    }

    @Test func badStore() {
        for store in ["mysql://db/interchange", "sqlite:", "data/interchange.db"] {
            let problems = ConfigFixture.problems(ConfigFixture.demo(setting: ["store"], to: store))
            #expect(problems.keys.sorted() == ["store"], "\(store)")
        }
        let postgres = try? ConfigFixture.load(ConfigFixture.demo(setting: ["store"], to: "postgres://gw@db:5432/interchange"))
        #expect(postgres?.store == .postgres(url: "postgres://gw@db:5432/interchange"))
    }

    @Test func agencyNeedsACredential() {
        let problems = ConfigFixture.problems(ConfigFixture.demo(setting: ["agencies", 4, "auth"], to: [String: Any]()))
        #expect(problems["agencies[4].auth"]?.hasPrefix("an agency needs at least one credential") == true)
    }

    @Test func sharedCredentialIsRejected() {
        let problems = ConfigFixture.problems(
            ConfigFixture.demo(setting: ["agencies", 1, "auth", "certificate"], to: "pki/agencies/bv-bachmai.crt")
        )
        #expect(problems["agencies[1].auth"] == "certificate also identifies agency \"bv-bachmai\"")
    }

    @Test func unknownNamesFromLists() {
        let problems = ConfigFixture.problems(
            ConfigFixture.edited([
                (["agencies", 0, "kind"], "clinic"),
                (["agencies", 0, "types"], ["hospital.visit", "hospital.vist"]),
                (["agencies", 0, "province"], "03"),
                (["operators", 1, "role"], "admin"),
                (["routes", 0, "steps"], ["identity-chek"]),
                (["listeners", 0, "role"], "public"),
            ])
        )
        #expect(problems["agencies[0].kind"]?.hasPrefix("unknown kind \"clinic\"") == true)
        #expect(problems["agencies[0].types[1]"] == "unknown message type \"hospital.vist\"")
        #expect(problems["agencies[0].province"]?.hasPrefix("unknown province code \"03\"") == true)
        #expect(problems["operators[1].role"]?.hasPrefix("unknown role \"admin\"") == true)
        #expect(problems["routes[0].steps[0]"]?.hasPrefix("unknown step") == true)
        #expect(problems["listeners[0].role"]?.hasPrefix("unknown role \"public\"") == true)
    }

    @Test func destinationRules() {
        let problems = ConfigFixture.problems(
            ConfigFixture.edited([
                (["destinations", 0, "url"], "http://ehealth.example.vn/v1/visits"),
                (["destinations", 1, "url"], "ftp://127.0.0.1/x"),
                (["destinations", 2, "concurrency"], 0),
                (["destinations", 3, "concurrency"], 257),
                (["destinations", 4, "tls", "pin"], "sha256//short"),
                (["destinations", 4, "tls", "key"], nil),
            ])
        )
        #expect(problems["destinations[0].url"]?.hasPrefix("http is allowed only to loopback") == true)
        #expect(problems["destinations[1].url"]?.hasPrefix("scheme must be https") == true)
        #expect(problems["destinations[2].concurrency"] == "must be 1–256, found 0")
        #expect(problems["destinations[3].concurrency"] == "must be 1–256, found 257")
        #expect(problems["destinations[4].tls.pin"]?.hasPrefix("must be sha256//") == true)
        #expect(problems["destinations[4].tls.key"] == "required with certificate")
        // http to loopback is fine (simulators without TLS).
        #expect(ConfigFixture.problems(ConfigFixture.demo(setting: ["destinations", 0, "url"], to: "http://127.0.0.1:9101/v")).isEmpty)
    }

    @Test func identityCheckNeedsPopulationDestination() {
        let json = ConfigFixture.demo(setting: ["destinations"], to: Array((ConfigFixture.demo["destinations"] as! [Any]).prefix(4)))
        #expect(ConfigFixture.problems(json)["routes[0].steps"]?.contains("\"population\"") == true)
    }

    @Test func everyProblemIsReportedAtOnce() throws {
        let json = ConfigFixture.edited([
            (["listeners", 0, "port"], 70000),
            (["agencies", 3, "auth", "certificate"], "pki/missing.crt"),
            (["routes", 2, "destinations"], ["bhxh", "bhxhx"]),
            (["store"], "mysql://x"),
        ])
        do {
            _ = try ConfigFixture.load(json)
            Issue.record("expected ConfigError")
        } catch {
            #expect(error.problems.count == 4)
            let lines = error.description.split(separator: "\n")
            #expect(lines.count == 4)
            #expect(lines.contains("listeners[0].port: must be 1–65535, found 70000"))
            #expect(lines.contains("routes[2].destinations[1]: unknown destination \"bhxhx\""))
            #expect(lines.contains { $0.hasPrefix("agencies[3].auth.certificate: file not found") })
        }
    }

    @Test func syntaxErrorAndMissingFile() throws {
        do {
            _ = try GatewayConfig.parse(Data(#"{"node": "gw1",, }"#.utf8), baseDirectory: "/")
            Issue.record("expected ConfigError")
        } catch {
            #expect(error.problems.map(\.field) == ["(document)"])
            #expect(error.problems.first?.message.hasPrefix("not valid JSON at line 1, column 16") == true)
        }
        do {
            _ = try GatewayConfig.load(path: "/nonexistent/gateway.json")
            Issue.record("expected ConfigError")
        } catch {
            #expect(error.description == "/nonexistent/gateway.json: file not found")
        }
    }

    @Test func checkFilesFalseSkipsFiles() throws {
        let json = ConfigFixture.demo(setting: ["agencies", 0, "auth", "certificate"], to: "pki/not-yet.crt")
        let data = try JSONSerialization.data(withJSONObject: json)
        let config = try GatewayConfig.parse(data, baseDirectory: "/nowhere", checkFiles: false)
        #expect(config.agencies[0].auth.certificate == "/nowhere/pki/not-yet.crt")
        #expect(config.agencies[0].certificateFingerprints.isEmpty)
    }

    // MARK: - Routes and templates

    @Test func routeTargetsResolveFromAttributes() throws {
        let config = try ConfigFixture.load(ConfigFixture.demo)
        let verdict = config.routes(for: "court.verdict")
        #expect(verdict.count == 1)
        let targets = verdict[0].destinations
        #expect(targets[0] == .perProvince(template: "doj-{province}", attribute: "courtProvince"))
        #expect(targets[2] == .destination("ncjr"))
        let attributes = ["courtProvince": "01", "residenceProvince": "79"]
        #expect(targets.map { $0.resolve(attributes: attributes) } == ["doj-01", "doj-79", "ncjr"])
        #expect(targets[1].resolve(attributes: ["residenceProvince": "03"]) == nil)
        #expect(targets[1].resolve(attributes: [:]) == nil)

        let visit = config.routes(for: "hospital.visit")
        #expect(visit.count == 2)
        #expect(visit[0].steps == [.identityCheck])
        #expect(visit[0].condition?.matches(["citizen": "001303012345"]) == true)
        #expect(visit[0].condition?.matches(["citizen": ""]) == false)
        #expect(visit[1].condition == nil)
    }

    @Test func templateProvincesSubset() throws {
        let config = try ConfigFixture.load(
            ConfigFixture.demo(setting: ["destinationTemplates", 0, "provinces"], to: ["01", "79"])
        )
        #expect(config.expandedDestinations.map(\.id).suffix(2) == ["doj-01", "doj-79"])
        let problems = ConfigFixture.problems(
            ConfigFixture.demo(setting: ["destinationTemplates", 0, "provinces"], to: ["01", "03"])
        )
        #expect(problems["destinationTemplates[0].provinces[1]"] == "unknown province code \"03\"")
        let noPlaceholder = ConfigFixture.problems(ConfigFixture.demo(setting: ["destinationTemplates", 0, "id"], to: "doj"))
        #expect(noPlaceholder["destinationTemplates[0].id"]?.contains("{province}") == true)
    }

    @Test func retentionAndLimitsDefaults() throws {
        let config = try ConfigFixture.load(ConfigFixture.edited([(["retention"], nil), (["limits"], nil)]))
        #expect(config.retention.metadataDays == 365 && config.retention.bodyDays == 90)
        #expect(config.limits.maxHeadBytes == 16384 && config.limits.headTimeoutMs == 10000)
        let problems = ConfigFixture.problems(ConfigFixture.demo(setting: ["retention", "bodyDays"], to: 400))
        #expect(problems["retention.bodyDays"] == "must be ≤ metadataDays (365)")
    }
}
