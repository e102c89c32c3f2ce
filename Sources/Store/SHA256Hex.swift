import COpenSSL

/// SHA-256 through OpenSSL for the log chain: the writer hashes every log entry inside the commit, and the
/// generic pure-Swift `Messages.SHA256` runs unspecialized across the module boundary (several times slower).
enum SHA256Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lowercase hex SHA-256 of `bytes` (identical to `Messages.SHA256.hex`).
    static func hash(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        precondition(ok == 1 && length == 32, "invariant: EVP_Digest(SHA-256) cannot fail on in-memory input")
        return String(unsafeUninitializedCapacity: 64) { buffer in
            for (index, byte) in digest.enumerated() {
                buffer[index * 2] = digits[Int(byte >> 4)]
                buffer[index * 2 + 1] = digits[Int(byte & 0x0f)]
            }
            return 64
        }
    }
}
