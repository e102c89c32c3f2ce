import CFuzzDriver
import Foundation
import Gateway

/// One input: a configuration document. It must decode or throw ``ConfigError`` with at least one
/// problem; file checks are off, so nothing touches the disk.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    do {
        _ = try GatewayConfig.parse(bytes, baseDirectory: "/nonexistent-fuzz", checkFiles: false)
    } catch {
        precondition(!error.problems.isEmpty, "ConfigError without problems")
    }
    return 0
}

/// SwiftPM links executables with `--defsym main=<Module>_main`; provide it and start libFuzzer.
@_cdecl("ConfigFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzOne)
}
