import Foundation
@testable import Gateway
import Testing

/// A destination that stays down must not make the gateway grow without bound: past the configured outbox
/// depth, ingest for it answers 503 with `Retry-After`, and accepts again once the backlog drains.
@Suite(.serialized) struct BackPressureTests {
    @Test func deepOutboxRefusesNewWorkUntilItDrains() async throws {
        let gateway = try GatewayHarness(limits: #", "maxOutboxDepth": 5"#)
        gateway.simulator.fail(status: 503, count: -1)
        try gateway.startInProcess()
        for index in 0..<8 {
            let (status, _, _) = await gateway.send("/v1/test/notes", body: #"{"key":"bp-\#(index)","text":"x"}"#)
            #expect(status == 202)
        }
        var refusal: (Int, String, [(String, String)]) = (0, "", [])
        var attempt = 0
        #expect(await gateway.eventually(timeout: .seconds(15)) {
            attempt += 1
            refusal = await gateway.send("/v1/test/notes", body: #"{"key":"bp-try-\#(attempt)","text":"x"}"#)
            return refusal.0 == 503
        })
        #expect(refusal.1.contains("sim"))
        #expect(refusal.2.contains { $0.0.lowercased() == "retry-after" })
        gateway.simulator.heal()
        #expect(await gateway.eventually(timeout: .seconds(30)) {
            await gateway.send("/v1/test/notes", body: #"{"key":"bp-late","text":"x"}"#).0 == 202
        })
        await gateway.shutdown()
    }

    @Test func fullPipelineRefusesAtOnce() {
        let pressure = BackPressure(maxDepth: 10, maxInflight: 2)
        #expect(pressure.enter())
        #expect(pressure.enter())
        #expect(!pressure.enter())
        pressure.leave()
        #expect(pressure.enter())
    }
}
