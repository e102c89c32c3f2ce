/// The outcome of comparing a message's identity with the population database.
public enum IdentityVerdict: Sendable, Hashable {
    /// Every compared field agrees and the number is in use.
    case match
    /// Something disagrees: the fields (`fullName`, `dateOfBirth`, `sex`, `citizenId`, `status`)
    /// and a sentence for the routing log.
    case mismatch(fields: [String], reason: String)
}
