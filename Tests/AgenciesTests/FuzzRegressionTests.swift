import Agencies
import Foundation
import Messages
import Testing

/// Inputs the libFuzzer harnesses in `Tests/Fuzz` (AgencyJSONFuzz, XMLFuzz) turned up, kept as regressions.
@Suite struct FuzzRegressionTests {
    private let sender = SenderContext(agency: "fuzz", kind: "hospital", code: "01013", province: "01", correlationId: "c")

    /// `[]` used to decode to a batch with no items (a 200 with no receipts); every other adapter refuses it.
    @Test func emptyNoteArrayIsRefused() {
        #expect(throws: DecodeFailure.self) {
            _ = try TestNoteAdapter().decode(Array("[]".utf8), contentType: "application/json", sender: sender)
        }
        do {
            _ = try TestNoteAdapter().decode(Array(" [ ] ".utf8), contentType: "application/json", sender: sender)
            Issue.record("an empty array decoded")
        } catch {
            #expect(error.status == 400)
        }
    }
}
