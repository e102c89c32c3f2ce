import Foundation
import Messages

/// Bearer tokens kept in files (`tokenFile` in config): the file holds the token, surrounding
/// whitespace ignored; the config keeps only its SHA-256.
public enum TokenFile {
    /// Tokens shorter than this are refused: they could be guessed.
    public static let minimumLength = 16

    /// The lowercase hex SHA-256 of the token in `contents`, or nil when it is too short.
    public static func hash(of contents: String) -> String? {
        let token = contents.trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= minimumLength else { return nil }
        return SHA256.hex(Array(token.utf8))
    }

    /// The hash the gateway compares an `Authorization: Bearer` token against.
    public static func hash(ofToken token: String) -> String { SHA256.hex(Array(token.utf8)) }
}
