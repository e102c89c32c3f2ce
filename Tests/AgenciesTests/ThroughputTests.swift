import Agencies
import Foundation
import Messages
import Testing

/// Decode throughput. The large cases only run when `AGENCIES_BENCH=1` (meant for
/// `swift test -c release --filter ThroughputTests`); a small always-on case keeps the code path tested.
@Suite struct ThroughputTests {
    static let benchEnabled = ProcessInfo.processInfo.environment["AGENCIES_BENCH"] == "1"

    static func visits(_ count: Int) -> [[String: String]] {
        (0..<count).map { i in
            var visit = Fixtures.baseVisit
            visit["MA_LK"] = "LK\(i)"
            return visit
        }
    }

    /// A GIAMDINHHS envelope of `count` HOSO, each with XML1 (full table) and a drug table of `xml2Bytes`.
    static func envelope(_ count: Int, xml2Bytes: Int) -> [UInt8] {
        let xml2 = Base64.encodeString(Array(("<CHITIEU_CHITIET_THUOC>" + String(repeating: "x", count: xml2Bytes)
            + "</CHITIEU_CHITIET_THUOC>").utf8))
        let records = visits(count).map { [("XML1", Base64.encodeString(XML1Table.document(from: $0))), ("XML2", xml2)] }
        return Fixtures.envelope(records)
    }

    private static func rate(_ count: Int, _ duration: Duration) -> Int {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return Int(Double(count) / seconds)
    }

    @Test func smallBatchesDecode() throws {
        let json = Fixtures.json(Self.visits(50))
        let result = try HospitalVisitAdapter().decode(json, contentType: "application/json", sender: Fixtures.sender())
        #expect(result.items.allSatisfy { $0.message != nil })
        let envelope = Self.envelope(50, xml2Bytes: 1_000)
        let fromXML = try HospitalVisitAdapter().decode(envelope, contentType: "application/xml", sender: Fixtures.sender())
        #expect(fromXML.items.count == 50)
        #expect(fromXML.items.allSatisfy { $0.message != nil })
    }

    @Test(.enabled(if: benchEnabled)) func jsonVisitsPerSecond() throws {
        let body = Fixtures.json(Self.visits(1_000))
        let adapter = HospitalVisitAdapter()
        let clock = ContinuousClock()
        var total = 0
        let elapsed = try clock.measure {
            for _ in 0..<10 {
                total += try adapter.decode(body, contentType: "application/json", sender: Fixtures.sender()).items.count
            }
        }
        print("BENCH json: \(Self.rate(total, elapsed)) visits/s (\(body.count) bytes per 1,000)")
        #expect(total == 10_000)
    }

    @Test(.enabled(if: benchEnabled)) func envelopeVisitsPerSecond() throws {
        let body = Self.envelope(1_000, xml2Bytes: 2_000)
        let adapter = HospitalVisitAdapter()
        let clock = ContinuousClock()
        var total = 0
        let elapsed = try clock.measure {
            for _ in 0..<5 {
                total += try adapter.decode(body, contentType: "application/xml", sender: Fixtures.sender()).items.count
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let megabytes = Double(body.count * 5) / 1e6
        print("BENCH envelope: \(Self.rate(total, elapsed)) visits/s, \(Int(megabytes / seconds)) MB/s (\(body.count) bytes per 1,000 HOSO)")
        #expect(total == 5_000)
    }

    /// A 50 MB document (envelope-shaped: large base64 text nodes plus many small elements).
    @Test(.enabled(if: benchEnabled)) func xmlParserFiftyMegabytes() throws {
        var text = "<?xml version=\"1.0\" encoding=\"utf-8\"?><GIAMDINHHS><DANHSACHHOSO>"
        let chunk = String(Base64.encodeString((0..<30_000).map { UInt8(truncatingIfNeeded: $0) }))
        var hoso = "<HOSO>"
        for i in 0..<40 { hoso += "<F\(i) a=\"v&amp;\">t&lt;\(i)</F\(i)>" }
        hoso += "<FILEHOSO><LOAIHOSO>XML2</LOAIHOSO><NOIDUNGFILE>\(chunk)</NOIDUNGFILE></FILEHOSO></HOSO>"
        while text.utf8.count < 50_000_000 { text += hoso }
        text += "</DANHSACHHOSO></GIAMDINHHS>"
        let bytes = Array(text.utf8)
        let clock = ContinuousClock()
        var root: XMLElement?
        let elapsed = try clock.measure { root = try StrictXMLParser().parse(bytes) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("BENCH xml parser: \(Int(Double(bytes.count) / 1e6 / seconds)) MB/s over \(bytes.count / 1_000_000) MB")
        #expect(root?.child("DANHSACHHOSO")?.children.isEmpty == false)
        #expect(Double(bytes.count) / 1e6 / seconds >= 50)
    }
}
