import COpenSSL
import Foundation
import Messages

/// Seals message bodies at rest with AES-256-GCM (OpenSSL EVP) and opens them again, with key rotation.
///
/// Stored form (``seal(_:messageId:type:)``):
///
///     00 49 43 45  01        key-id length (1 byte)  key id (ASCII)  nonce (12)  ciphertext  tag (16)
///     "\0ICE"      version
///
/// The additional authenticated data is the header (prefix, version, key id) followed by the message id and the
/// message type, so a sealed body copied into another row, or relabelled with another key id, fails to open.
/// A stored body without the prefix is plaintext written before encryption was turned on and is returned as is:
/// canonical bodies are JSON or XML text and never start with a NUL byte.
///
/// Keys live in this value for the process's lifetime and are never printed: ``description`` names only ids.
public struct BodyCipher: Sendable, CustomStringConvertible {
    /// The first bytes of every sealed body: NUL, `ICE` (Interchange Cipher Envelope).
    public static let magic: [UInt8] = [0x00, 0x49, 0x43, 0x45]
    /// The format version after ``magic``.
    public static let version: UInt8 = 1
    /// GCM nonce length.
    public static let nonceLength = 12
    /// GCM tag length.
    public static let tagLength = 16

    private let keys: [String: [UInt8]]
    /// The key new bodies are sealed with.
    public let currentKeyID: String
    /// Every key id this cipher can open, sorted.
    public var keyIDs: [String] { keys.keys.sorted() }

    /// A cipher over keys already in memory (tests, tools).
    ///
    /// - Parameters:
    ///   - keys: Key id (1–64 ASCII characters) and 32-byte key, each id once.
    ///   - current: The id new bodies are sealed with; must be among `keys`.
    /// - Throws: ``BodyCipherError`` when an id repeats, a key is not 32 bytes, or `current` is missing.
    public init(keys: [(id: String, key: [UInt8])], current: String) throws(BodyCipherError) {
        var table: [String: [UInt8]] = [:]
        for (id, key) in keys {
            guard !id.isEmpty, id.utf8.count <= 64, id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
                throw .malformed("key id must be 1–64 visible ASCII characters")
            }
            guard key.count == BodyKeyFile.keyLength else { throw .malformed("key \(id) is not 32 bytes") }
            guard table[id] == nil else { throw .malformed("key id \(id) appears twice") }
            table[id] = key
        }
        guard table[current] != nil else { throw .unknownKey(current) }
        self.keys = table
        self.currentKeyID = current
    }

    /// The cipher a validated configuration describes; reads every key file.
    ///
    /// - Throws: ``StartupError`` naming the key file (by config path) that is missing or malformed.
    public init(configuration: GatewayConfig.Encryption) throws(StartupError) {
        var loaded: [(id: String, key: [UInt8])] = []
        for (index, key) in configuration.keys.enumerated() {
            do {
                loaded.append((key.id, try BodyKeyFile.read(path: key.file)))
            } catch {
                throw StartupError("encryption.keys[\(index)].file: \(error)")
            }
        }
        do {
            try self.init(keys: loaded, current: configuration.current)
        } catch {
            throw StartupError("encryption: \(error)")
        }
    }

    /// Names the keys, never their bytes.
    public var description: String { "BodyCipher(current: \(currentKeyID), keys: \(keyIDs.joined(separator: ", ")))" }

    /// Whether `stored` carries the sealed-body prefix.
    public static func isSealed(_ stored: [UInt8]) -> Bool { stored.starts(with: magic) }

    /// The key id a sealed body names, or nil for plaintext or a damaged header.
    public static func keyID(of stored: [UInt8]) -> String? {
        guard let header = try? Header(stored) else { return nil }
        return header.keyID
    }

    /// Seals `plaintext` for one message with the current key and a fresh random nonce.
    ///
    /// - Parameters:
    ///   - plaintext: The canonical body.
    ///   - messageId: The row the body belongs to; bound into the tag.
    ///   - type: The message type; bound into the tag.
    /// - Returns: The stored form (see the type's documentation).
    /// - Throws: ``BodyCipherError`` only when OpenSSL fails (no random bytes, out of memory).
    public func seal(_ plaintext: [UInt8], messageId: MessageID, type: MessageType) throws(BodyCipherError) -> [UInt8] {
        guard let key = keys[currentKeyID] else { throw .unknownKey(currentKeyID) }
        let id = Array(currentKeyID.utf8)
        var header = Self.magic
        header.append(Self.version)
        header.append(UInt8(id.count))
        header += id
        var nonce = [UInt8](repeating: 0, count: Self.nonceLength)
        guard RAND_bytes(&nonce, Int32(Self.nonceLength)) == 1 else { throw .crypto("RAND_bytes") }
        let aad = Self.additionalData(header: header, messageId: messageId, type: type)
        let (ciphertext, tag) = try Self.encrypt(plaintext, key: key, nonce: nonce, aad: aad)
        var out = header
        out.reserveCapacity(header.count + Self.nonceLength + ciphertext.count + Self.tagLength)
        out += nonce
        out += ciphertext
        out += tag
        return out
    }

    /// Opens a stored body of one message; plaintext written before encryption passes through unchanged.
    ///
    /// - Parameters:
    ///   - stored: The body as the store returned it.
    ///   - messageId: The row it was read from.
    ///   - type: That row's message type.
    /// - Returns: The canonical body.
    /// - Throws: ``BodyCipherError``: unknown key id, failed authentication, cut-short bytes.
    public func open(_ stored: [UInt8], messageId: MessageID, type: MessageType) throws(BodyCipherError) -> [UInt8] {
        guard Self.isSealed(stored) else { return stored }
        let header = try Header(stored)
        guard let key = keys[header.keyID] else { throw .unknownKey(header.keyID) }
        let body = stored[header.length...]
        guard body.count >= Self.nonceLength + Self.tagLength else { throw .malformed("sealed body cut short") }
        let nonce = Array(body.prefix(Self.nonceLength))
        let tag = Array(body.suffix(Self.tagLength))
        let ciphertext = Array(body.dropFirst(Self.nonceLength).dropLast(Self.tagLength))
        let aad = Self.additionalData(header: Array(stored[..<header.length]), messageId: messageId, type: type)
        return try Self.decrypt(ciphertext, key: key, nonce: nonce, tag: tag, aad: aad)
    }

    /// Opens a stored message's body in place.
    ///
    /// - Throws: ``BodyCipherError`` as ``open(_:messageId:type:)``.
    public func open(_ message: CanonicalMessage) throws(BodyCipherError) -> CanonicalMessage {
        var opened = message
        opened.body = try open(message.body, messageId: message.id, type: message.type)
        return opened
    }

    /// A stored message with its body opened by `cipher`; with no cipher (encryption off), plaintext passes
    /// through and a sealed body cannot be opened.
    ///
    /// - Throws: ``BodyCipherError`` naming the key or the failure.
    public static func open(_ message: CanonicalMessage, with cipher: BodyCipher?) throws(BodyCipherError)
        -> CanonicalMessage
    {
        if let cipher { return try cipher.open(message) }
        guard !isSealed(message.body) else { throw .unknownKey(keyID(of: message.body) ?? "(unreadable)") }
        return message
    }

    // MARK: - Format

    /// The parsed header of a sealed body.
    private struct Header {
        let keyID: String
        /// Bytes up to the nonce.
        let length: Int

        init(_ stored: [UInt8]) throws(BodyCipherError) {
            let fixed = BodyCipher.magic.count + 2
            guard stored.count >= fixed else { throw .malformed("sealed body cut short") }
            guard stored[BodyCipher.magic.count] == BodyCipher.version else {
                throw .malformed("unknown format version \(stored[BodyCipher.magic.count])")
            }
            let idLength = Int(stored[fixed - 1])
            guard idLength > 0, stored.count >= fixed + idLength else { throw .malformed("sealed body cut short") }
            let idBytes = stored[fixed..<(fixed + idLength)]
            guard idBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else { throw .malformed("damaged key id") }
            keyID = String(decoding: idBytes, as: UTF8.self)
            length = fixed + idLength
        }
    }

    /// Header, then `id`, NUL, `type`: binds the ciphertext to its row and its key id.
    private static func additionalData(header: [UInt8], messageId: MessageID, type: MessageType) -> [UInt8] {
        header + Array(messageId.rawValue.utf8) + [0] + Array(type.rawValue.utf8)
    }

    // MARK: - OpenSSL EVP

    private static func encrypt(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8])
        throws(BodyCipherError) -> (ciphertext: [UInt8], tag: [UInt8])
    {
        guard let context = EVP_CIPHER_CTX_new() else { throw .crypto("EVP_CIPHER_CTX_new") }
        // EVP_CIPHER_CTX_free cleanses the expanded key schedule.
        defer { EVP_CIPHER_CTX_free(context) }
        guard EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(nonceLength), nil) == 1,
              EVP_EncryptInit_ex(context, nil, nil, key, nonce) == 1
        else { throw .crypto("EVP_EncryptInit_ex") }
        var length: Int32 = 0
        guard aad.isEmpty || EVP_EncryptUpdate(context, nil, &length, aad, Int32(aad.count)) == 1 else {
            throw .crypto("EVP_EncryptUpdate (aad)")
        }
        // GCM is a stream mode: the ciphertext is exactly as long as the plaintext (+1 keeps the pointer non-nil).
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + 1)
        var written: Int32 = 0
        if !plaintext.isEmpty {
            guard EVP_EncryptUpdate(context, &ciphertext, &written, plaintext, Int32(plaintext.count)) == 1 else {
                throw .crypto("EVP_EncryptUpdate")
            }
        }
        var final: Int32 = 0
        let finished = ciphertext.withUnsafeMutableBufferPointer { buffer in
            EVP_EncryptFinal_ex(context, buffer.baseAddress.map { $0 + Int(written) }, &final)
        }
        guard finished == 1 else { throw .crypto("EVP_EncryptFinal_ex") }
        var tag = [UInt8](repeating: 0, count: tagLength)
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(tagLength), &tag) == 1 else {
            throw .crypto("EVP_CTRL_GCM_GET_TAG")
        }
        return (Array(ciphertext.prefix(Int(written + final))), tag)
    }

    private static func decrypt(_ ciphertext: [UInt8], key: [UInt8], nonce: [UInt8], tag: [UInt8], aad: [UInt8])
        throws(BodyCipherError) -> [UInt8]
    {
        guard let context = EVP_CIPHER_CTX_new() else { throw .crypto("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(context) }
        guard EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(nonceLength), nil) == 1,
              EVP_DecryptInit_ex(context, nil, nil, key, nonce) == 1
        else { throw .crypto("EVP_DecryptInit_ex") }
        var length: Int32 = 0
        guard aad.isEmpty || EVP_DecryptUpdate(context, nil, &length, aad, Int32(aad.count)) == 1 else {
            throw .crypto("EVP_DecryptUpdate (aad)")
        }
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count + 1)
        var written: Int32 = 0
        if !ciphertext.isEmpty {
            guard EVP_DecryptUpdate(context, &plaintext, &written, ciphertext, Int32(ciphertext.count)) == 1 else {
                throw .crypto("EVP_DecryptUpdate")
            }
        }
        var expected = tag
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tagLength), &expected) == 1 else {
            throw .crypto("EVP_CTRL_GCM_SET_TAG")
        }
        var final: Int32 = 0
        let verified = plaintext.withUnsafeMutableBufferPointer { buffer in
            EVP_DecryptFinal_ex(context, buffer.baseAddress.map { $0 + Int(written) }, &final)
        }
        // Nothing decrypted leaves this function unless the tag verified; unverified bytes are wiped.
        guard verified == 1 else {
            plaintext.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
            throw .authenticationFailed
        }
        return Array(plaintext.prefix(Int(written + final)))
    }
}
