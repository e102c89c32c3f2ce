import Agencies
import Foundation
import Messages
import Testing

/// Runs every file listed in `Fixtures/hospital/manifest.json` through its adapter and checks the outcome.
@Suite struct FixtureManifestTests {
    struct Expected: Decodable, CustomTestStringConvertible {
        struct Problem: Decodable, Hashable {
            var item: Int?
            var field: String
            var code: String
        }
        var file: String
        var adapter: String
        var contentType: String
        var senderCode: String?
        var status: Int
        var accepted: Int
        var rejected: Int
        var problems: [Problem]
        var failureCode: String?
        var testDescription: String { file }
    }

    struct Manifest: Decodable {
        var cases: [Expected]
    }

    static let cases: [Expected] = {
        guard let data = try? Data(contentsOf: Fixtures.root.appendingPathComponent("hospital/manifest.json")),
              let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
        else { return [] }
        return manifest.cases
    }()

    @Test func manifestIsReadable() {
        #expect(Self.cases.count >= 20)
    }

    @Test(arguments: cases)
    func outcome(_ expected: Expected) throws {
        let body = try Fixtures.hospital(expected.file)
        let adapter: any InboundAdapter = expected.adapter == "hospital.checkin" ? HospitalCheckinAdapter() : HospitalVisitAdapter()
        let sender = Fixtures.sender(code: expected.senderCode)
        let result: DecodeResult
        do {
            result = try adapter.decode(body, contentType: expected.contentType, sender: sender)
        } catch {
            #expect(error.status == expected.status, "\(expected.file): \(error.detail)")
            if let code = expected.failureCode { #expect(error.problems.map(\.code) == [code]) }
            let wanted = Set(expected.problems.filter { $0.item == nil }.map { "\($0.field):\($0.code)" })
            if !wanted.isEmpty { #expect(Set(error.problems.map { "\($0.field):\($0.code)" }) == wanted) }
            return
        }
        let accepted = result.items.filter { $0.message != nil }.count
        let rejected = result.items.count - accepted
        let status = result.isBatch ? 200 : (accepted == 1 ? 202 : 422)
        #expect(status == expected.status, "\(expected.file)")
        #expect(accepted == expected.accepted, "\(expected.file)")
        #expect(rejected == expected.rejected, "\(expected.file)")
        for (index, item) in result.items.enumerated() {
            let wanted = Set(expected.problems.filter { $0.item == index }.map { "\($0.field):\($0.code)" })
            let found = Set(item.problems.map { "\($0.field):\($0.code)" })
            #expect(found == wanted, "\(expected.file) item \(index)")
            #expect((item.message == nil) == !item.problems.isEmpty)
        }
    }
}
