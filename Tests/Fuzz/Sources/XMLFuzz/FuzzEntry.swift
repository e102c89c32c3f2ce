import Agencies
import CFuzzDriver
import Messages

private let sender = SenderContext(
    agency: "fuzz", kind: "hospital", code: "01013", province: "01", correlationId: "fuzz-corr")
/// Small record limits so the fuzzer reaches the 413 paths.
private let visits = HospitalVisitAdapter(maxItems: 20, envelopeParser: GIAMDINHHSParser(maxRecords: 20, maxTableBytes: 64 * 1024))
private let checkins = HospitalCheckinAdapter(maxItems: 20)
private let envelopes = GIAMDINHHSParser(maxRecords: 20, maxTableBytes: 64 * 1024)
private let encoders: [any OutboundEncoder] = [
    HealthBookEncoder(), SocialSecurityClaimEncoder(username: "fuzz"), SocialSecurityCheckinEncoder(username: "fuzz"),
]

/// One input, as a whole XML document: the strict parser (with small depth/node limits and with the
/// defaults), the GIAMDINHHS envelope reader, and the hospital visit (XML1 / envelope) and check-in
/// (XML0) adapters. Failures must be 4xx; valid messages go through the hospital encoders.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let small = try? StrictXMLParser(maxDepth: 8, maxNodes: 200).parse(bytes)
    let full = try? StrictXMLParser().parse(bytes)
    precondition(small == nil || full != nil, "a document within small limits failed the default limits")
    do {
        _ = try envelopes.parse(bytes)
    } catch {
        precondition((400..<500).contains(error.status), "envelope failure with status \(error.status)")
    }
    for adapter in [visits as any InboundAdapter, checkins] {
        do {
            let result = try adapter.decode(bytes, contentType: "application/xml", sender: sender)
            precondition(!result.items.isEmpty, "decode returned no items and no failure")
            for item in result.items {
                precondition((item.message == nil) != item.problems.isEmpty, "an item is both valid and invalid")
                guard let message = item.message else { continue }
                for encoder in encoders { _ = try? encoder.encode(message) }
            }
        } catch {
            precondition((400..<500).contains(error.status), "decode failure with status \(error.status)")
        }
    }
    return 0
}

/// SwiftPM links executables with `--defsym main=<Module>_main`; provide it and start libFuzzer.
@_cdecl("XMLFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzOne)
}
