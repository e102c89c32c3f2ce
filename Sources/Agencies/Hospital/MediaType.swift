import Foundation

/// Media-type helpers for adapters.
enum MediaType {
    /// The `type/subtype` part of a `Content-Type` value, lowercased, parameters dropped.
    static func essence(_ contentType: String) -> String {
        let head = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return head.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
