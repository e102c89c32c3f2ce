/// Strict base64 (RFC 4648 §4, standard alphabet, padded) over bytes, used for `NOIDUNGFILE` and
/// `fileHSBase64`. Decoding skips ASCII whitespace (senders wrap lines) and refuses everything else
/// that is not base64, including misplaced padding and non-zero trailing bits.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = UInt8(index) }
        for space in [0x20, 0x09, 0x0A, 0x0D] { table[space] = 0xFE }
        table[Int(UInt8(ascii: "="))] = 0xFD
        return table
    }()

    /// Encodes bytes as padded base64 text bytes.
    public static func encode<C: Collection>(_ input: C) -> [UInt8] where C.Element == UInt8 {
        let source = Array(input)
        var out = [UInt8]()
        out.reserveCapacity((source.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= source.count {
            let n = UInt32(source[i]) << 16 | UInt32(source[i + 1]) << 8 | UInt32(source[i + 2])
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            i += 3
        }
        let rest = source.count - i
        if rest == 1 {
            let n = UInt32(source[i]) << 16
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        } else if rest == 2 {
            let n = UInt32(source[i]) << 16 | UInt32(source[i + 1]) << 8
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(UInt8(ascii: "="))
        }
        return out
    }

    /// Encodes bytes as a padded base64 string.
    public static func encodeString<C: Collection>(_ input: C) -> String where C.Element == UInt8 {
        String(decoding: encode(input), as: UTF8.self)
    }

    /// Decodes base64 text, or returns nil if it is not strict base64.
    ///
    /// - Parameter maxOutput: Stop and return nil once the decoded size would exceed this many bytes.
    public static func decode(_ text: String, maxOutput: Int = .max) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decode($0, maxOutput: maxOutput) }
    }

    /// Decodes base64 bytes, or returns nil if they are not strict base64.
    public static func decode(_ input: UnsafeBufferPointer<UInt8>, maxOutput: Int = .max) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(min(input.count / 4 * 3, maxOutput))
        var quad: UInt32 = 0
        var filled = 0
        var padding = 0
        for byte in input {
            let value = decodeTable[Int(byte)]
            if value == 0xFE { continue }
            if value == 0xFF { return nil }
            if value == 0xFD {
                // Padding: only in the last two positions of the final quad.
                guard filled >= 2 else { return nil }
                padding += 1
                quad <<= 6
                filled += 1
            } else {
                guard padding == 0 else { return nil }
                quad = quad << 6 | UInt32(value)
                filled += 1
            }
            if filled == 4 {
                let produced = 3 - padding
                guard out.count + produced <= maxOutput else { return nil }
                if padding == 0 {
                    out.append(UInt8(truncatingIfNeeded: quad >> 16))
                    out.append(UInt8(truncatingIfNeeded: quad >> 8))
                    out.append(UInt8(truncatingIfNeeded: quad))
                } else {
                    if padding == 1 {
                        guard quad & 0xFF == 0 else { return nil }
                        out.append(UInt8(truncatingIfNeeded: quad >> 16))
                        out.append(UInt8(truncatingIfNeeded: quad >> 8))
                    } else {
                        guard quad & 0xFFFF == 0 else { return nil }
                        out.append(UInt8(truncatingIfNeeded: quad >> 16))
                    }
                }
                quad = 0
                filled = 0
                if padding > 0 { padding = -1 }  // anything after a padded quad is an error
            } else if padding < 0 {
                return nil
            }
        }
        guard filled == 0 else { return nil }
        return out
    }
}
