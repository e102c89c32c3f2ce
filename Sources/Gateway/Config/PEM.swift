import Foundation
import Messages

/// PEM text (RFC 7468) decoded in plain Swift: enough to fingerprint certificates at load time
/// without a TLS library.
public enum PEM {
    /// One `-----BEGIN label-----` … `-----END label-----` block.
    public struct Block: Sendable, Equatable {
        /// The label, e.g. `CERTIFICATE`, `PRIVATE KEY`, `EC PRIVATE KEY`.
        public var label: String
        /// The decoded DER bytes.
        public var der: [UInt8]

        /// A block.
        public init(label: String, der: [UInt8]) {
            self.label = label
            self.der = der
        }
    }

    /// Every well-formed block in `text`, in order; malformed blocks (bad base64, no END line) are skipped.
    public static func blocks(in text: String) -> [Block] {
        var blocks: [Block] = []
        var label: String?
        var body = ""
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----") {
                label = String(line.dropFirst(11).dropLast(5))
                body = ""
            } else if line.hasPrefix("-----END "), line.hasSuffix("-----") {
                let endLabel = String(line.dropFirst(9).dropLast(5))
                if let open = label, open == endLabel, let der = Data(base64Encoded: body) {
                    blocks.append(Block(label: open, der: Array(der)))
                }
                label = nil
            } else if label != nil, !line.contains(":") {
                // Lines with ':' are RFC 1421 headers (Proc-Type, DEK-Info) of legacy encrypted keys.
                body += line
            }
        }
        return blocks
    }

    /// The SHA-256 fingerprint (64 lowercase hex characters) of the first certificate in `text`,
    /// the same value as `openssl x509 -fingerprint -sha256` without the colons; nil if there is none.
    public static func certificateSHA256(pem text: String) -> String? {
        guard let block = blocks(in: text).first(where: { $0.label == "CERTIFICATE" }) else { return nil }
        return SHA256.hex(block.der)
    }
}
