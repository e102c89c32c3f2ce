/// Collects an element's text without copying in the common case: a single run is remembered as a
/// byte range of the input, and only a second piece (another run, a reference, CDATA) starts a buffer.
struct TextAccumulator {
    private var start = 0
    private var count = 0
    private var buffer: [UInt8]?

    mutating func appendRun(_ runStart: Int, _ runCount: Int, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard runCount > 0 else { return }
        if buffer == nil, count == 0 {
            start = runStart
            count = runCount
            return
        }
        spill(bytes)
        buffer?.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<runStart + runCount]))
    }

    mutating func appendByte(_ byte: UInt8, _ bytes: UnsafeBufferPointer<UInt8>) {
        spill(bytes)
        buffer?.append(byte)
    }

    private mutating func spill(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard buffer == nil else { return }
        var fresh: [UInt8] = []
        fresh.reserveCapacity(count + 16)
        fresh.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<start + count]))
        buffer = fresh
    }

    func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if let buffer { return String(decoding: buffer, as: UTF8.self) }
        if count == 0 { return "" }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<start + count]), as: UTF8.self)
    }
}
