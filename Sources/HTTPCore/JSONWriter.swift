/// A small, allocation-light JSON writer for hot paths (receipts, problems, log lines).
/// Output is compact; keys are written in call order.
public struct JSONWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// Creates an empty writer.
    public init() { bytes.reserveCapacity(256) }

    /// Writes one object.
    public mutating func object(_ body: (inout ObjectWriter) -> Void) {
        var writer = ObjectWriter(bytes: bytes)
        bytes = []
        writer.bytes.append(UInt8(ascii: "{"))
        body(&writer)
        writer.bytes.append(UInt8(ascii: "}"))
        bytes = writer.bytes
    }

    /// Writes one array.
    public mutating func array(_ body: (inout ArrayWriter) -> Void) {
        var writer = ArrayWriter(bytes: bytes)
        bytes = []
        writer.bytes.append(UInt8(ascii: "["))
        body(&writer)
        writer.bytes.append(UInt8(ascii: "]"))
        bytes = writer.bytes
    }

    /// The output as a string.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends a JSON string literal with escaping.
    static func appendString(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case 0x0a: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0d: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes the members of one object.
    public struct ObjectWriter {
        var bytes: [UInt8]
        private var first = true

        init(bytes: [UInt8]) { self.bytes = bytes }

        private mutating func key(_ name: String) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            JSONWriter.appendString(name, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
        }

        /// A string member.
        public mutating func field(_ name: String, _ value: String) {
            key(name)
            JSONWriter.appendString(value, to: &bytes)
        }

        /// An optional string member; `nil` writes `null`.
        public mutating func field(_ name: String, _ value: String?) {
            key(name)
            if let value { JSONWriter.appendString(value, to: &bytes) } else { bytes.append(contentsOf: Array("null".utf8)) }
        }

        /// An integer member.
        public mutating func field<I: BinaryInteger>(_ name: String, _ value: I) {
            key(name)
            bytes.append(contentsOf: Array(String(value).utf8))
        }

        /// A floating-point member.
        public mutating func field(_ name: String, _ value: Double) {
            key(name)
            bytes.append(contentsOf: Array((value.isFinite ? "\(value)" : "null").utf8))
        }

        /// A boolean member.
        public mutating func field(_ name: String, _ value: Bool) {
            key(name)
            bytes.append(contentsOf: Array((value ? "true" : "false").utf8))
        }

        /// A member whose value is already-encoded JSON.
        public mutating func raw(_ name: String, _ json: [UInt8]) {
            key(name)
            bytes.append(contentsOf: json)
        }

        /// A nested object member.
        public mutating func object(_ name: String, _ body: (inout ObjectWriter) -> Void) {
            key(name)
            var inner = ObjectWriter(bytes: bytes)
            bytes = []
            inner.bytes.append(UInt8(ascii: "{"))
            body(&inner)
            inner.bytes.append(UInt8(ascii: "}"))
            bytes = inner.bytes
        }

        /// A nested array member.
        public mutating func array(_ name: String, _ body: (inout ArrayWriter) -> Void) {
            key(name)
            var inner = ArrayWriter(bytes: bytes)
            bytes = []
            inner.bytes.append(UInt8(ascii: "["))
            body(&inner)
            inner.bytes.append(UInt8(ascii: "]"))
            bytes = inner.bytes
        }
    }

    /// Writes the elements of one array.
    public struct ArrayWriter {
        var bytes: [UInt8]
        private var first = true

        init(bytes: [UInt8]) { self.bytes = bytes }

        private mutating func comma() {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
        }

        /// A string element.
        public mutating func value(_ value: String) {
            comma()
            JSONWriter.appendString(value, to: &bytes)
        }

        /// An already-encoded JSON element.
        public mutating func raw(_ json: [UInt8]) {
            comma()
            bytes.append(contentsOf: json)
        }

        /// An object element.
        public mutating func object(_ body: (inout ObjectWriter) -> Void) {
            comma()
            var inner = ObjectWriter(bytes: bytes)
            bytes = []
            inner.bytes.append(UInt8(ascii: "{"))
            body(&inner)
            inner.bytes.append(UInt8(ascii: "}"))
            bytes = inner.bytes
        }
    }
}
