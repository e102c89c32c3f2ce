import CFuzzDriver
import HTTPCore

/// Small limits so the fuzzer reaches 413/431 paths quickly.
private let limits = ParserLimits(maxHeadBytes: 1024, maxBodyBytes: 512)

/// One input: pipelined request parsing exactly as the server does it, plus a chunked-decoder consistency check
/// (whole buffer vs. split delivery must agree).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    var offset = 0
    while offset < size {
        guard case .request(_, let body, let consumed) = HTTPRequestParser.parse(bytes, from: offset, to: size, limits: limits)
        else { break }
        precondition(consumed > 0 && offset + consumed <= size, "parser consumed out of range")
        precondition(body.count <= limits.maxBodyBytes, "body over the limit")
        offset += consumed
    }
    checkChunkedSplit(bytes)
    return 0
}

private func decodeAll(_ bytes: UnsafeBufferPointer<UInt8>, split: Int) -> (String, [UInt8]) {
    var decoder = ChunkedDecoder(maxBodyBytes: limits.maxBodyBytes, maxTrailerBytes: limits.maxHeadBytes)
    var body: [UInt8] = []
    var start = 0
    for end in [split, bytes.count] {
        let step = decoder.decode(bytes, from: start, to: end, into: &body)
        switch step {
        case .incomplete(let consumed):
            precondition(consumed >= 0 && start + consumed <= end, "chunked consumed out of range")
            start += consumed
        case .complete(let consumed):
            precondition(start + consumed <= end, "chunked consumed out of range")
            return ("complete \(start + consumed)", body)
        case .failure(let failure):
            return ("failure \(failure.status)", [])
        }
    }
    return ("incomplete", body)
}

private func checkChunkedSplit(_ bytes: UnsafeBufferPointer<UInt8>) {
    let whole = decodeAll(bytes, split: bytes.count)
    let halves = decodeAll(bytes, split: bytes.count / 2)
    precondition(whole.0 == halves.0 && whole.1 == halves.1, "split delivery changed the chunked result")
}

/// SwiftPM links executables with `--defsym main=<Module>_main`; provide it and start libFuzzer.
@_cdecl("HTTPParserFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzOne)
}
