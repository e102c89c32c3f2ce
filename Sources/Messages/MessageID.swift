import Foundation
import Synchronization

/// A message identifier: a ULID (48-bit millisecond time + 80 random bits, Crockford base32),
/// so that ids sort by the time they were minted. Monotonic within one process.
public struct MessageID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The 26-character ULID text.
    public let rawValue: String

    /// Wraps an existing id after checking its shape.
    public init?(_ text: String) {
        guard text.utf8.count == 26, text.utf8.allSatisfy({ Self.decodeTable[Int($0)] != 0xff }) else { return nil }
        rawValue = text.uppercased()
    }

    private init(unchecked: String) { rawValue = unchecked }

    public var description: String { rawValue }

    public static func < (lhs: MessageID, rhs: MessageID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = MessageID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a ULID"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The millisecond timestamp encoded in the id.
    public var milliseconds: UInt64 {
        var value: UInt64 = 0
        for byte in rawValue.utf8.prefix(10) { value = value << 5 | UInt64(Self.decodeTable[Int(byte)]) }
        return value
    }

    private static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (index, char) in alphabet.enumerated() {
            table[Int(char)] = UInt8(index)
            table[Int(Character(Unicode.Scalar(char)).lowercased().utf8.first ?? char)] = UInt8(index)
        }
        return table
    }()

    private static let shared = Mutex(MessageIDGenerator())

    /// Mints a new id for `now` from the process-wide generator; ids minted in the same millisecond increase.
    public static func generate(now: Date = Date()) -> MessageID {
        shared.withLock { $0.next(now: now) }
    }

    /// Encodes a ULID from its 48-bit time and 80 random bits (`high` 16, `low` 64).
    static func encode(time: UInt64, high: UInt16, low: UInt64) -> MessageID {
        var chars = [UInt8](repeating: 0, count: 26)
        var t = time
        for i in stride(from: 9, through: 0, by: -1) {
            chars[i] = alphabet[Int(t & 31)]
            t >>= 5
        }
        // 80 random bits: 16 from `high`, 64 from `low`, written as 16 base32 digits.
        var bits = low
        for i in stride(from: 25, through: 13, by: -1) {
            chars[i] = alphabet[Int(bits & 31)]
            bits >>= 5
        }
        // 13 digits took 65 bits: the top bit of `low` was consumed with one bit of `high`.
        var rest = UInt32(high) << 1 | UInt32(low >> 63)
        for i in stride(from: 12, through: 10, by: -1) {
            chars[i] = alphabet[Int(rest & 31)]
            rest >>= 5
        }
        return MessageID(unchecked: String(decoding: chars, as: UTF8.self))
    }
}

/// Mints ULIDs. Monotonic: within one millisecond the random part counts up, so ids from one generator
/// sort in the order they were minted (the process shares one through ``MessageID/generate(now:)``).
public struct MessageIDGenerator: Sendable {
    private var lastMillis: UInt64 = 0
    private var high: UInt16 = 0
    private var low: UInt64 = 0

    /// Creates a generator.
    public init() {}

    /// The next id for `now`.
    public mutating func next(now: Date = Date()) -> MessageID {
        let millis = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        if millis != lastMillis {
            lastMillis = millis
            var rng = SystemRandomNumberGenerator()
            high = UInt16.random(in: 0...UInt16.max, using: &rng)
            low = UInt64.random(in: 0...UInt64.max >> 1, using: &rng)
        } else {
            low &+= 1
            if low == 0 { high &+= 1 }
        }
        return MessageID.encode(time: lastMillis, high: high, low: low)
    }
}
