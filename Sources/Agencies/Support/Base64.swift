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
        if let encoded = input.withContiguousStorageIfAvailable({ encode(buffer: $0) }) { return encoded }
        return Array(input).withUnsafeBufferPointer { encode(buffer: $0) }
    }

    private static func encode(buffer source: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let outputCount = (source.count + 2) / 3 * 4
        return alphabet.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: outputCount) { out, initialized in
                var i = 0
                var o = 0
                while i + 3 <= source.count {
                    let n = UInt32(source[i]) << 16 | UInt32(source[i + 1]) << 8 | UInt32(source[i + 2])
                    out[o] = table[Int(n >> 18 & 63)]
                    out[o + 1] = table[Int(n >> 12 & 63)]
                    out[o + 2] = table[Int(n >> 6 & 63)]
                    out[o + 3] = table[Int(n & 63)]
                    i += 3
                    o += 4
                }
                let rest = source.count - i
                if rest > 0 {
                    let n = UInt32(source[i]) << 16 | (rest == 2 ? UInt32(source[i + 1]) << 8 : 0)
                    out[o] = table[Int(n >> 18 & 63)]
                    out[o + 1] = table[Int(n >> 12 & 63)]
                    out[o + 2] = rest == 2 ? table[Int(n >> 6 & 63)] : UInt8(ascii: "=")
                    out[o + 3] = UInt8(ascii: "=")
                    o += 4
                }
                initialized = o
            }
        }
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
        let capacity = min(input.count / 4 * 3 + 3, maxOutput == .max ? .max : maxOutput + 3)
        var valid = true
        let out = decodeTable.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: capacity) { out, initialized in
                var o = 0
                var quad: UInt32 = 0
                var filled = 0
                var padding = 0
                initialized = 0
                for byte in input {
                    let value = table[Int(byte)]
                    if value == 0xFE { continue }
                    if value == 0xFF || padding < 0 {
                        valid = false
                        return
                    }
                    if value == 0xFD {
                        // Padding: only in the last two positions of the final quad.
                        guard filled >= 2 else {
                            valid = false
                            return
                        }
                        padding += 1
                        quad <<= 6
                    } else {
                        guard padding == 0 else {
                            valid = false
                            return
                        }
                        quad = quad << 6 | UInt32(value)
                    }
                    filled += 1
                    guard filled == 4 else { continue }
                    let produced = 3 - padding
                    let mask: UInt32 = padding == 0 ? 0 : (padding == 1 ? 0xFF : 0xFFFF)
                    guard o + produced <= maxOutput, o + produced <= capacity, quad & mask == 0 else {
                        valid = false
                        return
                    }
                    out[o] = UInt8(truncatingIfNeeded: quad >> 16)
                    if produced > 1 { out[o + 1] = UInt8(truncatingIfNeeded: quad >> 8) }
                    if produced > 2 { out[o + 2] = UInt8(truncatingIfNeeded: quad) }
                    o += produced
                    initialized = o
                    quad = 0
                    filled = 0
                    if padding > 0 { padding = -1 }  // anything after a padded quad is an error
                }
                if filled != 0 { valid = false }
            }
        }
        return valid ? out : nil
    }
}
