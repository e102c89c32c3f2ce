import HTTPCore
import Messages

/// Names the agency behind a request: the verified client certificate's fingerprint first, else a
/// bearer token whose SHA-256 is in config. Tokens are compared by hash, never logged.
struct AgencyAuthenticator: Sendable {
    let config: GatewayConfig

    func authenticate(_ request: HTTPRequest) -> Result<GatewayConfig.Agency, Problem> {
        if let fingerprint = request.connection.clientCertificateSHA256 {
            if let agency = config.agency(forCertificateSHA256: fingerprint) { return .success(agency) }
            return .failure(Problem(status: 403, title: "Unknown client certificate",
                                    detail: "the certificate is valid but names no agency in this gateway's config"))
        }
        if let token = BearerToken.parse(request.headers["Authorization"]) {
            if let agency = config.agency(forTokenSHA256: TokenFile.hash(ofToken: token)) { return .success(agency) }
            return .failure(Problem(status: 401, title: "Invalid credentials", detail: "the bearer token is not known",
                                    headers: [("WWW-Authenticate", "Bearer")]))
        }
        return .failure(Problem(status: 401, title: "Credentials required",
                                detail: "present a client certificate or a bearer token",
                                headers: [("WWW-Authenticate", "Bearer")]))
    }
}

/// `Authorization: Bearer <token>` parsing.
enum BearerToken {
    static func parse(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].caseInsensitiveCompare("Bearer") == .orderedSame else { return nil }
        let token = parts[1].trimmingSpaces()
        return token.isEmpty ? nil : token
    }
}
