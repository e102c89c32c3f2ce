import Foundation
@testable import Gateway
import Messages
import Store
import Testing

/// Bodies at rest: AES-256-GCM sealing with the message id as authenticated data, key rotation, plaintext
/// left from before encryption, configuration checks, and the whole path through a running gateway.
@Suite struct BodyEncryptionTests {
    static func key(_ byte: UInt8) -> [UInt8] { [UInt8](repeating: byte, count: 32) }
    static let body = Array(#"{"key":"n1","text":"Nguyễn Văn An 001203004567"}"#.utf8)

    static func cipher(current: String = "k1", keys: [String] = ["k1"]) throws -> BodyCipher {
        try BodyCipher(keys: keys.enumerated().map { ($0.element, key(UInt8($0.offset + 1))) }, current: current)
    }

    // MARK: - Seal and open

    @Test func sealedBodyOpensToThePlaintextAndHidesIt() throws {
        let cipher = try Self.cipher()
        let id = MessageID.generate()
        let sealed = try cipher.seal(Self.body, messageId: id, type: "test.note")
        #expect(BodyCipher.isSealed(sealed))
        #expect(Array(sealed.prefix(4)) == [0x00, 0x49, 0x43, 0x45])
        #expect(BodyCipher.keyID(of: sealed) == "k1")
        #expect(sealed.count == 4 + 1 + 1 + 2 + 12 + Self.body.count + 16)
        #expect(!RawDatabase.contains(sealed, "001203004567"))
        #expect(!RawDatabase.contains(sealed, "Nguyễn"))
        #expect(try cipher.open(sealed, messageId: id, type: "test.note") == Self.body)
        // A fresh nonce each time: the same body never seals to the same bytes.
        #expect(try cipher.seal(Self.body, messageId: id, type: "test.note") != sealed)
        // Empty bodies (pruned by retention, or simply empty) round-trip too.
        let empty = try cipher.seal([], messageId: id, type: "test.note")
        #expect(try cipher.open(empty, messageId: id, type: "test.note") == [])
    }

    @Test func aBodyDoesNotOpenUnderAnotherMessageIdOrType() throws {
        let cipher = try Self.cipher()
        let id = MessageID.generate()
        let sealed = try cipher.seal(Self.body, messageId: id, type: "test.note")
        #expect(throws: BodyCipherError.authenticationFailed) {
            try cipher.open(sealed, messageId: MessageID.generate(), type: "test.note")
        }
        #expect(throws: BodyCipherError.authenticationFailed) {
            try cipher.open(sealed, messageId: id, type: "court.verdict")
        }
    }

    @Test func anyAlteredByteFailsAuthentication() throws {
        let cipher = try Self.cipher()
        let id = MessageID.generate()
        let sealed = try cipher.seal(Self.body, messageId: id, type: "test.note")
        // Nonce, ciphertext and tag; every position, one bit.
        for position in 8..<sealed.count {
            var tampered = sealed
            tampered[position] ^= 0x01
            #expect(throws: BodyCipherError.authenticationFailed) {
                try cipher.open(tampered, messageId: id, type: "test.note")
            }
        }
        // A truncated body is refused, never returned in part.
        #expect(throws: BodyCipherError.self) { try cipher.open(Array(sealed.prefix(20)), messageId: id, type: "test.note") }
        #expect(throws: BodyCipherError.self) { try cipher.open(Array(sealed.dropLast()), messageId: id, type: "test.note") }
    }

    @Test func relabellingTheKeyIdFails() throws {
        let cipher = try Self.cipher(current: "k1", keys: ["k1", "k2"])
        let id = MessageID.generate()
        var sealed = try cipher.seal(Self.body, messageId: id, type: "test.note")
        sealed[7] = UInt8(ascii: "2")  // "k1" → "k2": the key id is authenticated too
        #expect(throws: BodyCipherError.authenticationFailed) { try cipher.open(sealed, messageId: id, type: "test.note") }
    }

    @Test func unknownKeyIdIsAClearError() throws {
        let old = try BodyCipher(keys: [("k2024", Self.key(9))], current: "k2024")
        let id = MessageID.generate()
        let sealed = try old.seal(Self.body, messageId: id, type: "test.note")
        let current = try Self.cipher()
        do {
            _ = try current.open(sealed, messageId: id, type: "test.note")
            Issue.record("opened a body sealed with a key it does not hold")
        } catch {
            #expect(error == .unknownKey("k2024"))
            #expect(error.description == "body cannot be decrypted: unknown key k2024")
        }
        // Without any cipher (encryption turned off), a sealed body is refused the same way.
        var message = CanonicalMessage(type: "test.note", sender: "s", idempotencyKey: "k", correlationId: "c", body: sealed)
        message.id = id
        #expect(throws: BodyCipherError.unknownKey("k2024")) { try BodyCipher.open(message, with: nil) }
    }

    @Test func rotationSealsWithTheCurrentKeyAndOldKeysStillOpen() throws {
        let id1 = MessageID.generate()
        let id2 = MessageID.generate()
        let before = try Self.cipher(current: "k1", keys: ["k1"])
        let old = try before.seal(Self.body, messageId: id1, type: "test.note")
        // Rotation: add k2, make it current, keep k1.
        let after = try Self.cipher(current: "k2", keys: ["k1", "k2"])
        let new = try after.seal(Self.body, messageId: id2, type: "test.note")
        #expect(BodyCipher.keyID(of: old) == "k1")
        #expect(BodyCipher.keyID(of: new) == "k2")
        #expect(try after.open(old, messageId: id1, type: "test.note") == Self.body)
        #expect(try after.open(new, messageId: id2, type: "test.note") == Self.body)
        // The gateway before the rotation cannot read new bodies: it says which key it lacks.
        #expect(throws: BodyCipherError.unknownKey("k2")) { try before.open(new, messageId: id2, type: "test.note") }
    }

    @Test func plaintextFromBeforeEncryptionPassesThrough() throws {
        let cipher = try Self.cipher()
        let id = MessageID.generate()
        #expect(try cipher.open(Self.body, messageId: id, type: "test.note") == Self.body)
        #expect(try cipher.open([], messageId: id, type: "test.note") == [])
        let xml = Array("<HOSO/>".utf8)
        #expect(try cipher.open(xml, messageId: id, type: "hospital.visit") == xml)
    }

    @Test func cipherRefusesBadKeySets() {
        #expect(throws: BodyCipherError.self) { try BodyCipher(keys: [("k1", [1, 2, 3])], current: "k1") }
        #expect(throws: BodyCipherError.self) {
            try BodyCipher(keys: [("k1", Self.key(1)), ("k1", Self.key(2))], current: "k1")
        }
        #expect(throws: BodyCipherError.unknownKey("k9")) { try BodyCipher(keys: [("k1", Self.key(1))], current: "k9") }
        // The description names key ids only.
        let cipher = try? Self.cipher()
        #expect(cipher?.description == "BodyCipher(current: k1, keys: k1)")
    }

    // MARK: - Configuration

    private static func configProblems(_ encryption: String, files: [String: String]) throws -> [String: String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("enc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, contents) in files {
            try contents.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let json = """
        {"node": "t", "listeners": [{"name": "a", "host": "127.0.0.1", "port": 1, "role": "agency", "plain": true}],
         "store": "sqlite:db.sqlite", "agencies": [], "routes": [], "encryption": \(encryption)}
        """
        do {
            _ = try GatewayConfig.parse(Data(json.utf8), baseDirectory: directory.path)
            return [:]
        } catch {
            var byField: [String: String] = [:]
            for problem in error.problems { byField[problem.field, default: ""] += problem.message }
            return byField
        }
    }

    @Test func configurationNamesEveryKeyProblemByPath() throws {
        let good = Data(Self.key(7)).base64EncodedString()
        #expect(try Self.configProblems(#"{"keys": [{"id": "k1", "file": "k1.key"}], "current": "k1"}"#,
                                        files: ["k1.key": good + "\n"]) == [:])
        let problems = try Self.configProblems("""
            {"keys": [{"id": "k1", "file": "k1.key"}, {"id": "k2", "file": "missing.key"},
                      {"id": "k1", "file": "short.key"}, {"id": "K_4", "file": "junk.key"}],
             "current": "k9"}
            """, files: ["k1.key": good, "short.key": Data([1, 2, 3]).base64EncodedString(), "junk.key": "not base64!"])
        #expect(problems["encryption.keys[1].file"]?.contains("file not found") == true)
        #expect(problems["encryption.keys[2].file"]?.contains("holds 3 bytes, expected 32") == true)
        #expect(problems["encryption.keys[2].id"]?.contains("duplicate key id \"k1\"") == true)
        #expect(problems["encryption.keys[3].id"]?.contains("[a-z0-9-]+") == true)
        #expect(problems["encryption.keys[3].file"]?.contains("not base64") == true)
        #expect(problems["encryption.current"]?.contains("not among encryption.keys") == true)
        // No problem message quotes a key.
        #expect(!problems.values.contains { $0.contains(good) })
        let empty = try Self.configProblems(#"{"keys": [], "current": "k1", "extra": 1}"#, files: [:])
        #expect(empty["encryption.keys"] != nil)
        #expect(empty["encryption.extra"] != nil)
    }

    @Test func certsInitCreatesMissingBodyKeysWithMode600AndNeverReplacesThem() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("enc-pki-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var pki = DevelopmentPKI(directory: directory.appendingPathComponent("pki").path, agencyIDs: [], tokenNames: [])
        let k1 = directory.appendingPathComponent("keys/body-k1.key").path
        let k2 = directory.appendingPathComponent("keys/body-k2.key").path
        pki.bodyKeyFiles = [k1]
        let first = try pki.generate()
        #expect(first.bodyKeys == [k1])
        let attributes = try FileManager.default.attributesOfItem(atPath: k1)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let key = try BodyKeyFile.read(path: k1)
        #expect(key.count == 32)
        pki.bodyKeyFiles = [k1, k2]
        let second = try pki.generate(force: true)
        #expect(second.bodyKeys == [k2])
        #expect(try BodyKeyFile.read(path: k1) == key, "--force must not replace a body key")
    }

    // MARK: - Through the gateway

    /// The `encryption` member naming `body-<id>.key` files (relative to the harness directory).
    static func encryption(current: String, keys: [String] = ["k2025", "k2026"]) -> String {
        let list = keys.map { #"{"id": "\#($0)", "file": "body-\#($0).key"}"# }.joined(separator: ", ")
        return #", "encryption": {"keys": [\#(list)], "current": "\#(current)"}"#
    }

    /// Writes the key files: `keys[i]` holds 32 bytes of value 40 + i.
    static func writeKeys(_ harness: GatewayHarness, keys: [String] = ["k2025", "k2026"]) throws {
        for (index, id) in keys.enumerated() {
            try (Data(Self.key(UInt8(40 + index))).base64EncodedString() + "\n")
                .write(to: harness.directory.appendingPathComponent("body-\(id).key"), atomically: true, encoding: .utf8)
        }
    }

    @Test func withEncryptionOnTheDestinationGetsPlaintextAndTheDatabaseDoesNot() async throws {
        let gateway = try GatewayHarness(extraConfig: Self.encryption(current: "k2026"))
        try Self.writeKeys(gateway)
        try gateway.startInProcess()
        let secret = "Trần Văn Hùng 003085001234 secret-\(UUID().uuidString)"
        let note = #"{"key":"enc-1","text":"\#(secret)"}"#
        let (status, body, _) = await gateway.send("/v1/test/notes", body: note)
        #expect(status == 202)
        let id = try #require(gateway.json(body)["id"] as? String)
        #expect(await gateway.eventually { gateway.simulator.recorder.request(key: id) != nil })
        let delivered = try #require(gateway.simulator.recorder.request(key: id))
        let record = gateway.json(String(decoding: delivered.firstBody, as: UTF8.self))["record"] as? [String: Any]
        #expect(record?["text"] as? String == secret)

        // The same note again is a duplicate: the hash is over the plaintext, not the (random) ciphertext.
        let (again, againBody, _) = await gateway.send("/v1/test/notes", body: note)
        #expect(again == 200)
        #expect(gateway.json(againBody)["id"] as? String == id)

        // On disk: sealed with the current key, no plaintext.
        let database = gateway.directory.appendingPathComponent("data/interchange.db").path
        let stored = try #require(try RawDatabase.values(database, "SELECT body FROM messages WHERE id = '\(id)'").first)
        #expect(BodyCipher.isSealed(stored))
        #expect(BodyCipher.keyID(of: stored) == "k2026")
        for needle in ["003085001234", "secret-", "Hùng", "enc-1\",\"text"] {
            #expect(!RawDatabase.contains(stored, needle), "the stored body holds \(needle)")
        }

        // An operator asking for the body sees the plaintext.
        let (viewStatus, view, _) = await gateway.sendOperator("/v1/messages/\(id)?body=true")
        #expect(viewStatus == 200)
        #expect((gateway.json(view)["body"] as? [String: Any])?["text"] as? String == secret)
        await gateway.shutdown()
    }

    @Test func aBodyThatCannotBeDecryptedIsDeadLetteredWithTheReason() async throws {
        let gateway = try GatewayHarness(extraConfig: Self.encryption(current: "k2026"))
        try Self.writeKeys(gateway)
        // Rows written by a gateway that held k2024 (now gone), one plaintext row from before encryption, and
        // one sealed body copied onto another row.
        let database = gateway.directory.appendingPathComponent("data/interchange.db").path
        try FileManager.default.createDirectory(atPath: (database as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let store = try SQLiteStore(path: database, node: "test")
        let retired = try BodyCipher(keys: [("k2024", Self.key(99))], current: "k2024")
        let current = try BodyCipher(keys: [("k2026", Self.key(41))], current: "k2026")
        func note(_ key: String) -> CanonicalMessage {
            CanonicalMessage(type: "test.note", sender: "notes", idempotencyKey: key, correlationId: "c",
                             body: Array(#"{"key":"\#(key)","text":"hello"}"#.utf8))
        }
        var lost = note("lost")
        lost.body = try retired.seal(lost.body, messageId: lost.id, type: lost.type)
        let clear = note("clear")
        var swapped = note("swapped")
        let donor = note("donor")
        swapped.body = try current.seal(donor.body, messageId: donor.id, type: donor.type)
        _ = try await store.admit([lost, clear, swapped].map {
            Admission(message: $0, destinations: [OutboxTarget(destination: "sim")])
        })
        store.close()

        try gateway.startInProcess()
        let runtime = try #require(gateway.runtime)
        func delivery(_ id: MessageID) async -> DeliveryRecord? { try? await runtime.store.deliveries(of: id).first }
        #expect(await gateway.eventually {
            let lostRow = await delivery(lost.id)
            let swappedRow = await delivery(swapped.id)
            let clearRow = await delivery(clear.id)
            return lostRow?.status == .dead && swappedRow?.status == .dead && clearRow?.status == .delivered
        })
        let lostRow = await delivery(lost.id)
        let swappedRow = await delivery(swapped.id)
        #expect(lostRow?.lastError == "body cannot be decrypted: unknown key k2024")
        let swappedError = swappedRow?.lastError ?? ""
        #expect(swappedError.contains("authentication failed"))
        // Nothing undecryptable reached the destination; the plaintext row did, in clear.
        #expect(gateway.simulator.recorder.request(key: lost.id.rawValue) == nil)
        #expect(gateway.simulator.recorder.request(key: swapped.id.rawValue) == nil)
        let clearBody = gateway.simulator.recorder.request(key: clear.id.rawValue)?.firstBody ?? []
        #expect(RawDatabase.contains(clearBody, "hello"))
        let timeline = try await runtime.store.timeline(of: lost.id)
        #expect(timeline.contains { $0.event == "dead_lettered" && $0.detail.contains("unknown key k2024") })

        // The operator view says why there is no body instead of showing ciphertext.
        let (status, view, _) = await gateway.sendOperator("/v1/messages/\(lost.id.rawValue)?body=true")
        #expect(status == 200)
        let json = gateway.json(view)
        #expect(json["body"] == nil)
        #expect(json["body_error"] as? String == "body cannot be decrypted: unknown key k2024")
        await gateway.shutdown()
    }
}
