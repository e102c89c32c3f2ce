import Agencies
import Delivery
import Foundation
import Messages
import Synchronization

/// The gateway's login at the BHXH assessment portal: fetches a token from `api/token/take`, keeps it until
/// shortly before it expires, and drops it when the portal refuses it (HTTP 401 or `maKetQua` 401).
final class SocialSecurityPortalSession: Sendable {
    private let baseURL: String
    private let username: String
    private let passwordFile: String
    private let tls: DestinationTLS?
    private let timeout: Duration
    private let client: HTTPClient
    private let token = Mutex<SocialSecurityToken?>(nil)

    init(baseURL: String, credentials: GatewayConfig.Destination.Credentials, tls: DestinationTLS?, timeout: Duration,
         client: HTTPClient) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.username = credentials.username
        self.passwordFile = credentials.passwordFile
        self.tls = tls
        self.timeout = timeout
        self.client = client
    }

    /// The password, read when needed so that a rotated file takes effect without a restart.
    private func password() throws -> String {
        do {
            return try String(contentsOfFile: passwordFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            // The path is config, not a secret; the password itself is never put in an error.
            throw PreparationError(reason: "cannot read the BHXH password file \(passwordFile)", retryable: true)
        }
    }

    /// A valid token, fetching a new one when none is cached or it is about to expire.
    func currentToken() async throws -> SocialSecurityToken {
        if let cached = token.withLock({ $0 }), !cached.needsRefresh(now: Date()) { return cached }
        let request = OutboundRequest(
            url: baseURL + SocialSecurityProtocol.tokenPath,
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: SocialSecurityProtocol.tokenRequestBody(username: username, password: try password()),
            timeout: timeout,
            tls: tls
        )
        switch await client.send(request) {
        case .failure(let error):
            throw PreparationError(reason: "BHXH token: \(error)", retryable: true)
        case .success(let response):
            guard response.status == 200 else {
                throw PreparationError(reason: "BHXH token: HTTP \(response.status)", retryable: true)
            }
            do {
                let fresh = try SocialSecurityProtocol.parseToken(response.body)
                token.withLock { $0 = fresh }
                return fresh
            } catch {
                throw PreparationError(reason: "BHXH token: \(error.detail)", retryable: true)
            }
        }
    }

    /// Forgets the cached token so the next attempt logs in again.
    func invalidate() { token.withLock { $0 = nil } }

    /// Builds the claim or check-in post for one item, with the token headers.
    func payload(for item: ClaimedItem) async throws -> OutboundPayload {
        guard let message = item.message else {
            throw PreparationError(reason: "claimed item carries no message", retryable: true)
        }
        let session = try await currentToken()
        var payload: OutboundPayload
        do {
            if message.type == "hospital.checkin" {
                payload = try SocialSecurityCheckinEncoder(username: username).encode(message)
                payload.pathSuffix = SocialSecurityProtocol.checkinPath
            } else {
                payload = try SocialSecurityClaimEncoder(username: username).encode(message)
                payload.pathSuffix = SocialSecurityProtocol.claimPath
            }
        } catch {
            throw PreparationError(reason: "cannot encode for BHXH: \(error)", retryable: false)
        }
        payload.headers += SocialSecurityProtocol.authorizationHeaders(
            token: session, passwordHash: MD5.uppercaseHex(try password()))
        return payload
    }

    /// Reads the portal's answer: `maKetQua` decides, not only the HTTP status.
    func interpret(_ response: OutboundResponse) -> AttemptClass {
        switch SocialSecurityProtocol.outcome(httpStatus: response.status, body: response.body) {
        case .delivered:
            return .delivered
        case .retry(_, let refreshToken):
            if refreshToken { invalidate() }
            return .retry(after: nil)
        case .deadLetter(let reason):
            return .deadLetter(reason: reason)
        }
    }

    /// The portal's transaction id and reception time, for the routing log and `interchange show`.
    static func reference(_ body: [UInt8]) -> DeliveryReference? {
        guard let answer = SocialSecurityProtocol.parseAnswer(body), !answer.transactionId.isEmpty else { return nil }
        return DeliveryReference(id: answer.transactionId, details: [
            ("maGiaoDich", answer.transactionId), ("thoiGianTiepNhan", answer.receivedAt),
        ])
    }
}

/// A destination's own reference for a delivered message (e.g. BHXH `maGiaoDich`) and what to log with it.
struct DeliveryReference: Sendable {
    /// Kept as the delivery's external reference.
    let id: String
    /// Extra fields for the `delivered` log entry.
    let details: [(String, String)]
}
