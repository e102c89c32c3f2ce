import Agencies
import Delivery
import Foundation
import Messages
import Simulators

/// What a test request got back.
struct Reply {
    var status: Int
    var body: [UInt8]
    var headers: [(String, String)]
    var error: TransportError?

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:] }
}

/// Real HTTP through libcurl, shared by the tests.
enum Wire {
    static let client = HTTPClient(workers: 1)

    static func send(
        _ url: String, method: String = "POST", headers: [(String, String)] = [], body: [UInt8] = [],
        contentType: String? = nil, tls: DestinationTLS? = nil, timeout: Duration = .seconds(5)
    ) async -> Reply {
        var all = headers
        if let contentType { all.append(("Content-Type", contentType)) }
        let request = OutboundRequest(url: url, method: method, headers: all, body: body, timeout: timeout, tls: tls)
        switch await client.send(request) {
        case .success(let response): return Reply(status: response.status, body: response.body, headers: response.headers)
        case .failure(let error): return Reply(status: 0, body: [], headers: [], error: error)
        }
    }

    static func json(_ object: Any) -> [UInt8] { Array(try! JSONSerialization.data(withJSONObject: object)) }
}

/// Fixture files and canonical messages made by the real adapters.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func hospital(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent("hospital").appendingPathComponent(name)))
    }

    static let sender = SenderContext(agency: "bv-bachmai", kind: "hospital", code: "01013", province: "01",
                                      correlationId: "sim-test")

    static func visits(_ name: String, contentType: String = "application/json") throws -> [CanonicalMessage] {
        let result = try HospitalVisitAdapter().decode(try hospital(name), contentType: contentType, sender: sender)
        return result.items.compactMap(\.message)
    }

    static func checkin() throws -> CanonicalMessage {
        let result = try HospitalCheckinAdapter().decode(try hospital("checkin-valid.xml"), contentType: "application/xml",
                                                         sender: sender)
        return result.items.compactMap(\.message)[0]
    }
}
