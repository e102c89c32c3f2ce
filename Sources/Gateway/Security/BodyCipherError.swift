/// Why a body could not be sealed or opened. The description never holds key material or plaintext:
/// it goes into dead-letter reasons and the operator view.
public struct BodyCipherError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case unknownKey(String)
        case authenticationFailed
        case malformed(String)
        case crypto(String)
    }

    private let code: Code

    /// The body names a key id the configuration does not hold (removed too early, or another gateway's).
    public static func unknownKey(_ id: String) -> Self { Self(code: .unknownKey(id)) }
    /// The GCM tag did not verify: the bytes were altered, or the body belongs to another message row.
    public static let authenticationFailed = Self(code: .authenticationFailed)
    /// The stored bytes carry the prefix but are cut short or carry an unknown version.
    static func malformed(_ what: String) -> Self { Self(code: .malformed(what)) }
    /// OpenSSL refused an operation (out of memory, no random bytes).
    static func crypto(_ call: String) -> Self { Self(code: .crypto(call)) }

    /// Whether the stored body names a key this gateway does not hold.
    public var isUnknownKey: Bool {
        if case .unknownKey = code { return true }
        return false
    }

    /// `body cannot be decrypted: unknown key k2024` and the like; ready for a dead-letter reason.
    public var description: String {
        switch code {
        case .unknownKey(let id): "body cannot be decrypted: unknown key \(id)"
        case .authenticationFailed:
            "body cannot be decrypted: authentication failed (altered, or sealed for another message)"
        case .malformed(let what): "body cannot be decrypted: \(what)"
        case .crypto(let call): "body encryption failed: \(call)"
        }
    }
}
