import Foundation

/// Correlation ids: the sender's `X-Correlation-Id` when it is sane, else a new UUID.
enum CorrelationID {
    static func from(_ header: String?) -> String {
        if let header, (1...128).contains(header.utf8.count),
           header.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) {
            return header
        }
        return UUID().uuidString.lowercased()
    }
}

/// `Idempotency-Key` header shape: 1–200 visible ASCII characters.
enum IdempotencyKey {
    static func isValid(_ key: String) -> Bool {
        (1...200).contains(key.utf8.count) && key.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f }
    }
}
