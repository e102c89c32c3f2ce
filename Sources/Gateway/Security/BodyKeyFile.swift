import Foundation

/// Body-encryption key files: one line holding the base64 of 32 random bytes (`openssl rand -base64 32`),
/// surrounding whitespace ignored. Text rather than raw bytes so a key survives copying through a secret
/// store or a terminal, and a truncated file is visible at a glance.
public enum BodyKeyFile {
    /// AES-256 key length in bytes.
    public static let keyLength = 32

    /// The key in a file's text, or a short explanation of what is wrong (never the contents).
    static func decode(_ text: String) -> Result<[UInt8], KeyFileProblem> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: trimmed) else {
            return .failure(KeyFileProblem(code: "format", message: "not base64 (expected one line: openssl rand -base64 32)"))
        }
        guard data.count == keyLength else {
            return .failure(KeyFileProblem(code: "length",
                                           message: "holds \(data.count) bytes, expected \(keyLength) (AES-256)"))
        }
        return .success(Array(data))
    }

    /// Reads the key at `path`.
    ///
    /// - Throws: ``KeyFileProblem`` naming what is wrong with the file.
    static func read(path: String) throws(KeyFileProblem) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw KeyFileProblem(code: exists ? "not_readable" : "not_found",
                                 message: exists ? "file not readable: \(path)" : "file not found: \(path)")
        }
        return try decode(String(decoding: data, as: UTF8.self)).get()
    }

    /// A new key file's contents: 32 bytes from the system's random generator, base64, newline.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<keyLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString() + "\n"
    }

    /// What is wrong with a key file, as a config problem code and message.
    struct KeyFileProblem: Error, Sendable, CustomStringConvertible {
        /// `not_found`, `not_readable`, `format` or `length`.
        let code: String
        /// Names the file or the defect; never the contents.
        let message: String
        var description: String { message }
    }
}
