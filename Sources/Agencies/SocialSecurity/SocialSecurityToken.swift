import Foundation

/// A BHXH portal token (`api/token/take` → `APIKey`).
public struct SocialSecurityToken: Sendable, Equatable {
    /// `access_token`, sent as the `accessToken` header.
    public var accessToken: String
    /// `id_token`, sent as the `tokenId` header.
    public var idToken: String
    /// `token_type`.
    public var tokenType: String
    /// `username`.
    public var username: String
    /// When it expires, if `expires_in` could be read.
    public var expiresAt: Date?

    /// Creates a token.
    public init(accessToken: String, idToken: String, tokenType: String, username: String, expiresAt: Date?) {
        self.accessToken = accessToken
        self.idToken = idToken
        self.tokenType = tokenType
        self.username = username
        self.expiresAt = expiresAt
    }

    /// Whether to fetch a new token now: 60 s before expiry, as public HIS clients do; always if unknown.
    public func needsRefresh(now: Date) -> Bool {
        guard let expiresAt else { return true }
        return now.addingTimeInterval(60) >= expiresAt
    }
}
