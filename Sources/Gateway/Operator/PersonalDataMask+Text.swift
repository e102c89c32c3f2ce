import Foundation
import Messages

/// Masking free text (errors, reasons, partner answers) before it reaches the routing log or the outbox.
extension PersonalDataMask {
    /// The person-identifying values a message carries in its keys and attributes: citizen ID numbers and names.
    public static func personalValues(of message: CanonicalMessage) -> [String] {
        var values: [String] = []
        for key in message.businessKeys where citizenKinds.contains(key.kind) || nameKinds.contains(key.kind) {
            values.append(key.value)
        }
        for (name, value) in message.attributes where nameKinds.contains(name) || citizenKinds.contains(name) {
            values.append(value)
        }
        return values.filter { $0.count >= 3 }
    }

    /// `text` with each of `values` masked wherever it appears (names as initials, ignoring case and diacritics;
    /// digit strings as ID numbers), then every remaining run of exactly 12 digits masked.
    public static func text(_ text: String, hiding values: [String] = []) -> String {
        var masked = text
        // Longest first, so a full name is replaced before a part of it.
        for value in values.sorted(by: { $0.count > $1.count }) where value.count >= 3 {
            let replacement = value.allSatisfy(\.isNumber) ? citizenID(value) : initials(value)
            masked = masked.replacingOccurrences(of: value, with: replacement,
                                                 options: [.caseInsensitive, .diacriticInsensitive])
        }
        return digitRuns(masked)
    }
}
