import Foundation

/// What the soak's posting clients saw, per category, and every acknowledged message with what the identity
/// check will think of it.
struct SoakLedger {
    /// Counts per category.
    var sent: [String: Int] = [:]
    var acknowledged: [String: Int] = [:]  // messages (items), not posts
    var duplicates: [String: Int] = [:]  // items answered as duplicates of an acknowledged one
    var rejected: [String: Int] = [:]  // items refused (422/400/409...)
    var unanswered: [String: Int] = [:]  // posts without an answer (gateway down, killed mid-request, 503)
    /// Acknowledged message id → (type, subject).
    var messages: [String: (type: String, subject: SoakMix.Subject?)] = [:]
    /// Acknowledged posts that may be re-sent as duplicates: the post and the id of each item.
    var reservoir: [(post: SoakMix.Post, ids: [String])] = []
    /// Surprises while posting: a valid post refused, an invalid one accepted, a duplicate under another id.
    var surprises: [String] = []

    mutating func surprise(_ text: String) {
        if surprises.count < 50 { surprises.append(text) }
    }

    /// Remembers an acknowledged post for duplicates (a bounded, random sample).
    mutating func keep(_ post: SoakMix.Post, ids: [String]) {
        if reservoir.count < 300 {
            reservoir.append((post, ids))
        } else {
            reservoir[Int.random(in: 0..<reservoir.count)] = (post, ids)
        }
    }
}
