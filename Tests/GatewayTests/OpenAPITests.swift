import Foundation
@testable import Gateway
import Testing

/// `openapi.yaml` is kept true: its paths and methods are exactly the routes the listeners register, and real
/// answers use only the statuses it documents for them.
@Suite(.serialized) struct OpenAPITests {
    private static var specPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("openapi.yaml").path
    }

    /// What the line reader takes from the spec: `METHOD path` → documented status codes.
    struct Spec {
        var operations: [String: Set<Int>] = [:]
    }

    /// Reads the 2-space indented structure under `paths:` line by line: path keys at indent 2, methods at
    /// indent 4, `responses:` at indent 6 and status keys at indent 8. YAML anchors (`&name`) on a `responses:`
    /// line are remembered, aliases (`*name`) resolved.
    static func read(_ text: String) -> Spec {
        var spec = Spec()
        var anchors: [String: Set<Int>] = [:]
        var inPaths = false
        var path: String?
        var operation: String?
        var anchor: String?
        var inResponses = false
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            let content = line.drop { $0 == " " }
            if content.isEmpty || content.hasPrefix("#") { continue }
            let indent = line.count - content.count
            if indent == 0 {
                inPaths = content.hasPrefix("paths:")
                continue
            }
            guard inPaths else { continue }
            let key = content.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            switch indent {
            case 2:
                path = key
                operation = nil
                inResponses = false
            case 4:
                inResponses = false
                operation = methods.contains(key) ? key.uppercased() + " " + (path ?? "") : nil
                if let operation { spec.operations[operation] = [] }
            case 6:
                inResponses = key == "responses"
                anchor = nil
                guard inResponses, let operation else { continue }
                let rest = content.dropFirst("responses:".count).trimmingCharacters(in: .whitespaces)
                if rest.hasPrefix("&") { anchor = String(rest.dropFirst()) }
                if rest.hasPrefix("*") { spec.operations[operation] = anchors[String(rest.dropFirst())] ?? [] }
            case 8:
                guard inResponses, let operation else { continue }
                let code = key.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
                if let status = Int(code) {
                    spec.operations[operation, default: []].insert(status)
                    if let anchor { anchors[anchor, default: []].insert(status) }
                }
            default:
                continue
            }
        }
        return spec
    }

    private func spec() throws -> Spec {
        Self.read(try String(contentsOfFile: Self.specPath, encoding: .utf8))
    }

    /// Every route the gateway registers on either kind of listener, as `METHOD pattern`.
    private var registered: Set<String> {
        let routes = IngestService.routes(endpoints: GatewayRuntime.endpoints) + OperatorService.routes
        return Set(routes.map { "\($0.method) \($0.pattern)" })
    }

    @Test func documentsExactlyTheRegisteredRoutes() throws {
        let documented = Set(try spec().operations.keys)
        #expect(documented.count > 15, "the reader found too little: \(documented.sorted())")
        let undocumented = registered.subtracting(documented)
        let phantom = documented.subtracting(registered)
        #expect(undocumented.isEmpty, "routes missing from openapi.yaml: \(undocumented.sorted())")
        #expect(phantom.isEmpty, "openapi.yaml documents routes that do not exist: \(phantom.sorted())")
    }

    @Test func everyOperationDocumentsItsStatuses() throws {
        for (operation, statuses) in try spec().operations {
            #expect(!statuses.isEmpty, "\(operation) documents no response")
        }
        // The reader sees through the anchor shared by the ingest endpoints.
        let verdicts = try spec().operations["POST /v1/courts/verdicts"] ?? []
        #expect(verdicts.isSuperset(of: [200, 202, 401, 403, 409, 413, 415, 422, 429, 503]))
    }

    @Test func realAnswersUseDocumentedStatuses() async throws {
        let operations = try spec().operations
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        var checked = 0
        func check(_ operation: String, _ result: (Int, String, [(String, String)]), expected: Int,
                   sourceLocation: SourceLocation = #_sourceLocation) {
            let (status, body, headers) = result
            #expect(status == expected, "\(operation): \(body)", sourceLocation: sourceLocation)
            #expect(operations[operation]?.contains(status) == true,
                    "\(operation) answered \(status), not documented", sourceLocation: sourceLocation)
            if status >= 400 {
                let type = headers.first { $0.0.lowercased() == "content-type" }?.1
                #expect(type == "application/problem+json", "\(operation) \(status)", sourceLocation: sourceLocation)
                let problem = gateway.json(body)
                #expect(problem["status"] as? Int == status && problem["title"] is String && problem["type"] is String,
                        sourceLocation: sourceLocation)
            }
            checked += 1
        }
        let note = "POST /v1/test/notes"
        let posted = await gateway.send("/v1/test/notes", body: #"{"key":"spec-1","text":"hi"}"#)
        check(note, posted, expected: 202)
        let id = try #require(gateway.json(posted.1)["id"] as? String)
        check(note, await gateway.send("/v1/test/notes", body: #"{"key":"spec-1","text":"hi"}"#), expected: 200)
        check(note, await gateway.send("/v1/test/notes", body: #"{"key":"spec-1","text":"other"}"#), expected: 409)
        check(note, await gateway.send("/v1/test/notes", body: #"{"key":"spec-2"}"#), expected: 422)
        check(note, await gateway.send("/v1/test/notes", body: "{", as: "notes"), expected: 400)
        check(note, await gateway.send("/v1/test/notes", body: "x", contentType: "text/plain"), expected: 415)
        check(note, await gateway.send("/v1/test/notes", body: "{}", as: nil), expected: 401)
        check(note, await gateway.send("/v1/test/notes", body: "{}", as: "court"), expected: 403)
        let batch = await gateway.send("/v1/test/notes", body: #"[{"key":"spec-3","text":"a"},{"key":""}]"#)
        check(note, batch, expected: 200)
        #expect(gateway.json(batch.1)["items"] is [Any])
        check("GET /v1/messages/{id}", await gateway.send("/v1/messages/\(id)", method: "GET"), expected: 200)
        check("GET /v1/messages/{id}", await gateway.send("/v1/messages/\(id)", method: "GET", as: "court"), expected: 404)
        check("GET /healthz", await gateway.send("/healthz", method: "GET", as: nil), expected: 200)
        check("GET /readyz", await gateway.send("/readyz", method: "GET", as: nil), expected: 200)
        check("GET /v1/population/citizens/{id}",
              await gateway.send("/v1/population/citizens/001234567890", method: "GET"), expected: 403)

        let log = await gateway.sendOperator("/v1/log?limit=2")
        check("GET /v1/log", log, expected: 200)
        #expect(gateway.json(log.1)["entries"] is [Any] && gateway.json(log.1).keys.contains("next"))
        check("GET /v1/log", await gateway.sendOperator("/v1/log?limit=0"), expected: 400)
        check("GET /v1/log", await gateway.sendOperator("/v1/log", as: nil), expected: 401)
        check("GET /v1/messages/{id}", await gateway.sendOperator("/v1/messages/\(id)?body=true"), expected: 200)
        check("GET /v1/messages/{id}", await gateway.sendOperator("/v1/messages/\(id)?body=true", as: "viewer"), expected: 403)
        check("GET /v1/messages/{id}", await gateway.sendOperator("/v1/messages/nope"), expected: 404)
        check("POST /v1/messages/{id}/replay", await gateway.sendOperator("/v1/messages/\(id)/replay", method: "POST",
                                                                         body: #"{"destination":"sim"}"#), expected: 200)
        check("POST /v1/messages/{id}/replay", await gateway.sendOperator("/v1/messages/\(id)/replay", method: "POST",
                                                                         body: #"{"destination":"x"}"#), expected: 400)
        check("POST /v1/dead-letters/replay", await gateway.sendOperator("/v1/dead-letters/replay", method: "POST",
                                                                        as: "viewer"), expected: 403)
        check("POST /v1/dead-letters/replay", await gateway.sendOperator("/v1/dead-letters/replay", method: "POST",
                                                                        body: #"{"since":"2h"}"#), expected: 200)
        let stats = await gateway.sendOperator("/v1/stats")
        check("GET /v1/stats", stats, expected: 200)
        #expect(gateway.json(stats.1)["last_hour"] is [String: Any])
        check("GET /v1/audit", await gateway.sendOperator("/v1/audit", as: "auditor"), expected: 200)
        check("GET /v1/audit", await gateway.sendOperator("/v1/audit"), expected: 403)
        check("GET /metrics", await gateway.sendOperator("/metrics", as: nil), expected: 200)
        check("GET /console", await gateway.sendOperator("/console", as: nil), expected: 301)
        check("GET /console/", await gateway.sendOperator("/console/", as: nil), expected: 200)
        check("GET /console/{asset}", await gateway.sendOperator("/console/console.js", as: nil), expected: 200)
        check("GET /console/{asset}", await gateway.sendOperator("/console/secret", as: nil), expected: 404)
        #expect(checked == 32)
        await gateway.shutdown()
    }
}
