import HTTPCore

/// Names the operator behind a request from its `Authorization: Bearer` token, compared by SHA-256 with the
/// configured operators' token hashes; tokens are never logged.
struct OperatorAuthenticator: Sendable {
    let config: GatewayConfig

    func authenticate(_ request: HTTPRequest) -> Result<GatewayConfig.Operator, Problem> {
        guard let token = BearerToken.parse(request.headers["Authorization"]) else {
            return .failure(Problem(status: 401, title: "Credentials required", detail: "present an operator bearer token",
                                    headers: [("WWW-Authenticate", "Bearer")]))
        }
        guard let person = config.operator(forTokenSHA256: TokenFile.hash(ofToken: token)) else {
            return .failure(Problem(status: 401, title: "Invalid credentials", detail: "the bearer token is not known",
                                    headers: [("WWW-Authenticate", "Bearer")]))
        }
        return .success(person)
    }

    /// Authenticates and checks that the operator's role allows `action` (401 / 403 otherwise).
    func authorize(_ request: HTTPRequest, for action: OperatorAction) -> Result<GatewayConfig.Operator, Problem> {
        authenticate(request).flatMap { person in
            guard action.allows(person.role) else {
                return .failure(Problem(status: 403, title: "Not allowed for this role",
                                        detail: "role \(person.role.rawValue) may not \(action.rawValue)"))
            }
            return .success(person)
        }
    }
}
