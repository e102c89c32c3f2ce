/// What the deliverer does after a portal exchange.
public enum SocialSecurityOutcome: Sendable, Equatable {
    /// Accepted: keep the transaction id and reception time in the routing log.
    case delivered(transactionId: String, receivedAt: String)
    /// Try again later; `refreshToken` says the token was refused and must be fetched anew first.
    case retry(reason: String, refreshToken: Bool)
    /// Will never succeed as sent: dead letter with the reason.
    case deadLetter(reason: String)
}
