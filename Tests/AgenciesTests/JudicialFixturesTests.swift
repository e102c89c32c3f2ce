import Agencies
import Foundation
import Messages
import Testing

/// Runs every file listed in `Fixtures/{court,procuracy,vneid,judicial}/manifest.json` through its
/// adapter and checks the outcome the manifest states, then checks the identity of every accepted
/// person against `Fixtures/population/citizens.json`.
@Suite struct JudicialFixturesTests {
    typealias S = JudicialTestSupport

    struct Manifest: Decodable {
        var adapter: String
        var contentType: String
        var files: [Entry]
    }

    struct Entry: Decodable {
        struct Problem: Decodable {
            var index: Int
            var field: String
            var code: String
        }

        var file: String
        var description: String
        var status: Int
        var accepted: Int
        var rejected: Int
        var key: String?
        var attributes: [String: String]?
        var problems: [Problem]?
        var identityMismatch: [String]?
    }

    static let folders = ["court", "procuracy", "vneid", "judicial"]

    private func adapter(for type: String) throws -> any InboundAdapter {
        let now: @Sendable () -> Date = { S.now }
        switch type {
        case "court.verdict": return CourtVerdictAdapter(now: now)
        case "procuracy.record": return ProcuracyRecordAdapter(now: now)
        case "vneid.certificate-request": return CertificateRequestAdapter(now: now)
        case "judicial.certificate": return JudicialCertificateAdapter(now: now)
        default: throw FixtureError(message: "no adapter for \(type)")
        }
    }

    struct FixtureError: Error { var message: String }

    private func manifest(_ folder: String) throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(S.bytes(folder, "manifest.json")))
    }

    /// What the gateway would answer: the failure's status, 200 for a collection, else 202 or 422.
    private func outcome(_ adapter: any InboundAdapter, _ body: [UInt8], contentType: String) -> (Int, DecodeResult?, [ValidationProblem]) {
        do {
            let result = try adapter.decode(body, contentType: contentType, sender: S.sender("fixture", kind: "fixture"))
            if result.isBatch { return (200, result, []) }
            return (result.items[0].message == nil ? 422 : 202, result, [])
        } catch {
            return (error.status, nil, error.problems)
        }
    }

    @Test(arguments: folders)
    func manifestOutcomes(_ folder: String) throws {
        let manifest = try manifest(folder)
        let adapter = try adapter(for: manifest.adapter)
        #expect(adapter.messageType.rawValue == manifest.adapter)
        #expect(manifest.files.count >= 5)
        for entry in manifest.files {
            let body = try S.bytes(folder, entry.file)
            let (status, result, failureProblems) = outcome(adapter, body, contentType: manifest.contentType)
            #expect(status == entry.status, "\(folder)/\(entry.file): \(entry.description)")
            let expected = Dictionary(grouping: entry.problems ?? [], by: \.index)
                .mapValues { Set($0.map { "\($0.field):\($0.code)" }) }
            guard let result else {
                #expect(Set(failureProblems.map { "\($0.field):\($0.code)" }) == expected[0] ?? [], "\(entry.file)")
                continue
            }
            let accepted = result.items.filter { $0.message != nil }
            #expect(accepted.count == entry.accepted, "\(folder)/\(entry.file)")
            #expect(result.items.count - accepted.count == entry.rejected, "\(folder)/\(entry.file)")
            for (index, item) in result.items.enumerated() {
                let actual = Set(item.problems.map { "\($0.field):\($0.code)" })
                #expect(actual == expected[index] ?? [], "\(folder)/\(entry.file) item \(index)")
            }
            if let key = entry.key { #expect(result.items.first?.message?.idempotencyKey == key, "\(entry.file)") }
            for (name, value) in entry.attributes ?? [:] {
                #expect(result.items.first?.message?.attributes[name] == value, "\(entry.file) attribute \(name)")
            }
        }
    }

    @Test(arguments: folders)
    func acceptedPeopleAreInThePopulationDatabase(_ folder: String) throws {
        let manifest = try manifest(folder)
        let adapter = try adapter(for: manifest.adapter)
        let population = try S.population()
        var checked = 0
        for entry in manifest.files where entry.accepted > 0 {
            let result = try adapter.decode(
                S.bytes(folder, entry.file), contentType: manifest.contentType, sender: S.sender())
            for message in result.items.compactMap(\.message) {
                let query = try #require(IdentityQuery(attributes: message.attributes), "\(entry.file)")
                let record = try #require(population[query.citizenId], "\(entry.file): \(query.citizenId) not in population")
                let verdict = IdentityComparison.compare(query, record)
                if let fields = entry.identityMismatch {
                    guard case .mismatch(let actual, _) = verdict else {
                        Issue.record("\(entry.file): expected a mismatch on \(fields)")
                        continue
                    }
                    #expect(actual == fields, "\(entry.file)")
                } else {
                    #expect(verdict == .match, "\(folder)/\(entry.file)")
                }
                checked += 1
            }
        }
        #expect(checked >= 3)
    }

    @Test(arguments: folders)
    func everyFixtureIsListedAndDecodesDeterministically(_ folder: String) throws {
        let manifest = try manifest(folder)
        let listed = Set(manifest.files.map(\.file))
        let present = try FileManager.default.contentsOfDirectory(atPath: S.fixtures.appendingPathComponent(folder).path)
            .filter { $0.hasSuffix(".json") && $0 != "manifest.json" && !$0.hasSuffix(".schema.json") }
        #expect(Set(present) == listed)
        let adapter = try adapter(for: manifest.adapter)
        for entry in manifest.files where entry.accepted > 0 {
            let body = try S.bytes(folder, entry.file)
            let first = try adapter.decode(body, contentType: manifest.contentType, sender: S.sender())
            let second = try adapter.decode(body, contentType: manifest.contentType, sender: S.sender())
            #expect(first.items.map { $0.message?.contentHash } == second.items.map { $0.message?.contentHash })
        }
    }

    @Test(arguments: [("court", "verdict.schema.json"), ("procuracy", "record.schema.json"),
                      ("vneid", "certificate-request.schema.json"), ("judicial", "certificate.schema.json")])
    func schemaFilesAreJSONSchema2020(_ folder: String, _ file: String) throws {
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(S.bytes(folder, file))) as? [String: Any])
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(schema["additionalProperties"] as? Bool == false)
        #expect(!((schema["required"] as? [String]) ?? []).isEmpty)
    }
}
