import Agencies
import CFuzzDriver
import Foundation
import Messages

/// A fixed clock, so the "not in the future" checks do not depend on when the fuzzer runs.
private let fixedNow: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_780_000_000) }

/// The adapters under test, picked by the input's first byte. The letters are what `make fuzz` prefixes
/// the seed files with; any other byte picks `byte % count`.
private let adapters: [(tag: UInt8, adapter: any InboundAdapter, contentType: String)] = [
    (UInt8(ascii: "h"), HospitalVisitAdapter(maxItems: 50), "application/json"),
    (UInt8(ascii: "c"), CourtVerdictAdapter(maxItems: 50, now: fixedNow), "application/json"),
    (UInt8(ascii: "v"), CertificateRequestAdapter(maxItems: 50, now: fixedNow), "application/json"),
    (UInt8(ascii: "p"), ProcuracyRecordAdapter(maxItems: 50, now: fixedNow), "application/json"),
    (UInt8(ascii: "j"), JudicialCertificateAdapter(maxItems: 50, now: fixedNow), "application/json"),
    (UInt8(ascii: "t"), TestNoteAdapter(maxItems: 50), "application/json"),
]

/// Every outbound encoder: each valid message goes through all of them (a wrong type must throw, not trap).
private let encoders: [any OutboundEncoder] = [
    HealthBookEncoder(), SocialSecurityClaimEncoder(username: "fuzz"), SocialSecurityCheckinEncoder(username: "fuzz"),
    JusticeRecordEncoder(), VNeIDCertificateEncoder(),
]

private let sender = SenderContext(
    agency: "fuzz", kind: "hospital", code: "01013", province: "01", correlationId: "fuzz-corr")

/// One input: byte 0 picks the adapter, the rest is the body. Decoding must either throw a
/// ``DecodeFailure`` with a 4xx status or return items whose shape is consistent.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let first = data[0]
    let entry = adapters.first { $0.tag == first } ?? adapters[Int(first) % adapters.count]
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    do {
        let result = try entry.adapter.decode(body, contentType: entry.contentType, sender: sender)
        precondition(!result.items.isEmpty, "decode returned no items and no failure")
        precondition(result.isBatch || result.items.count == 1, "a single body produced several items")
        for item in result.items {
            precondition((item.message == nil) != item.problems.isEmpty, "an item is both valid and invalid")
            guard let message = item.message else { continue }
            precondition(message.type == entry.adapter.messageType, "message type differs from the adapter's")
            for encoder in encoders { _ = try? encoder.encode(message) }
        }
    } catch {
        precondition((400..<500).contains(error.status), "decode failure with status \(error.status)")
    }
    return 0
}

/// SwiftPM links executables with `--defsym main=<Module>_main`; provide it and start libFuzzer.
@_cdecl("AgencyJSONFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzOne)
}
