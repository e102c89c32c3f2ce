import Foundation
import Synchronization

/// The soak's traffic: the fixtures as templates, each post with fresh business keys (MA_LK, judgment, record,
/// request and certificate numbers rewritten with a counter), in a realistic mix with invalid posts; duplicates
/// are re-sends of acknowledged posts, chosen by the caller.
///
/// `@unchecked Sendable`: the templates (JSON trees of strings and numbers) are set in init and only ever read;
/// each post edits its own copy. The counter is atomic.
final class SoakMix: @unchecked Sendable {
    /// The person a message is about, as the sender wrote it (the identity check compares this to the registry).
    struct Subject: Sendable, Hashable {
        var citizenId: String
        var fullName: String
        var dateOfBirth: String  // yyyy-MM-dd, or yyyy-00-00 when only the year is known
        var sex: String?  // male / female
    }

    /// One post.
    struct Post: Sendable {
        /// Report category: visit, visits, envelope, verdict, procuracy, request, certificate, invalid (duplicates
        /// keep their original category and are counted apart).
        var kind: String
        var type: String
        var agency: String
        var path: String
        var contentType: String
        var body: [UInt8]
        /// Per item, in body order (one for a single object): the natural key fragment rewritten and the subject.
        var items: [(key: String, subject: Subject?)]
        var invalid: Bool
        var batch: Bool
    }

    private let visit: [String: Any]
    private let visits: [[String: Any]]
    private let envelope: String
    private let envelopeFiles: [String]  // base64 contents of every NOIDUNGFILE, in order
    private let verdicts: [[String: Any]]
    private let records: [[String: Any]]
    private let requests: [[String: Any]]
    private let certificates: [[String: Any]]
    private let invalids: [(agency: String, path: String, contentType: String, body: [UInt8], type: String)]
    private let counter = Atomic<Int>(0)

    /// Category → weight per 100 fresh posts.
    static let weights: [(String, Int)] = [
        ("visit", 20), ("visits", 14), ("envelope", 3), ("verdict", 16), ("procuracy", 11), ("request", 13),
        ("certificate", 11), ("invalid", 12),
    ]

    /// - Parameter firstNumber: Where the key counter starts (a test starts it high to check the wrap-around).
    init(fixtures: URL, firstNumber: Int = 0) throws {
        counter.store(firstNumber, ordering: .relaxed)
        func load(_ path: String) throws -> Any {
            try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent(path)))
        }
        visit = try load("hospital/visit-single.json") as! [String: Any]
        visits = try load("hospital/visits-array5.json") as! [[String: Any]]
        envelope = try String(contentsOf: fixtures.appendingPathComponent("hospital/envelope-20.xml"), encoding: .utf8)
        envelopeFiles = Self.matches(envelope, "<NOIDUNGFILE>", "</NOIDUNGFILE>")
        verdicts = try ["court/valid-judgment-hanoi-court-hue-resident.json", "court/valid-judgment-same-province.json"]
            .map { try load($0) as! [String: Any] }
        records = try ["procuracy/valid-korea.json", "procuracy/valid-no-residence.json"].map { try load($0) as! [String: Any] }
        requests = try ["vneid/valid-type1.json", "vneid/valid-type2-spouse.json", "vneid/valid-type1-nfc.json"]
            .map { try load($0) as! [String: Any] }
        // Every certificate is issued by the sender's department (stp-hanoi, province 01).
        certificates = try ["judicial/valid-type1-none.json", "judicial/valid-type1-conviction.json",
                            "judicial/valid-type2-conviction.json", "judicial/valid-type2-none.json"].map {
            var certificate = try load($0) as! [String: Any]
            certificate["issuer"] = ["code": "STP-HN", "name": "Sở Tư pháp thành phố Hà Nội", "province": "01"]
            return certificate
        }
        func raw(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: fixtures.appendingPathComponent(path))) }
        invalids = [
            ("tand-hanoi", "/v1/courts/verdicts", "application/json", try raw("court/invalid-article.json"), "court.verdict"),
            ("tand-hanoi", "/v1/courts/verdicts", "application/json", try raw("court/invalid-date-order.json"), "court.verdict"),
            ("tand-hanoi", "/v1/courts/verdicts", "application/json", try raw("court/invalid-not-json.json"), "court.verdict"),
            ("bv-bachmai", "/v1/hospital/visits", "application/json", try raw("hospital/visit-many-problems.json"), "hospital.visit"),
            ("bv-bachmai", "/v1/hospital/visits", "application/json", try raw("hospital/not-json.json"), "hospital.visit"),
            ("bv-bachmai", "/v1/hospital/visits", "application/xml", try raw("hospital/envelope-count-mismatch.xml"), "hospital.visit"),
            ("vneid", "/v1/vneid/certificate-requests", "application/json", try raw("vneid/invalid-applicant.json"),
             "vneid.certificate-request"),
            ("vksndtc", "/v1/procuracy/records", "application/json", try raw("procuracy/invalid-missing.json"), "procuracy.record"),
            ("stp-hanoi", "/v1/judicial/certificates", "application/json", try raw("judicial/invalid-convictions-empty.json"),
             "judicial.certificate"),
        ]
    }

    /// A fresh post of a category chosen by ``weights``.
    func next() -> Post {
        var roll = Int.random(in: 0..<Self.weights.reduce(0) { $0 + $1.1 })
        for (kind, weight) in Self.weights {
            if roll < weight { return make(kind) }
            roll -= weight
        }
        return make("visit")
    }

    /// A fresh post of `kind`.
    func make(_ kind: String) -> Post {
        let n = counter.add(1, ordering: .relaxed).newValue
        switch kind {
        case "visit":
            var object = visit
            object["MA_LK"] = "SK\(n)"
            return Post(kind: kind, type: "hospital.visit", agency: "bv-bachmai", path: "/v1/hospital/visits",
                        contentType: "application/json", body: Self.json(object),
                        items: [("SK\(n)", Self.visitSubject(object))], invalid: false, batch: false)
        case "visits":
            let array = visits.enumerated().map { index, item -> [String: Any] in
                var item = item
                item["MA_LK"] = "SK\(n)-\(index)"
                return item
            }
            return Post(kind: kind, type: "hospital.visit", agency: "bv-bachmai", path: "/v1/hospital/visits",
                        contentType: "application/json", body: Self.json(array),
                        items: array.map { ($0["MA_LK"] as! String, Self.visitSubject($0)) }, invalid: false, batch: true)
        case "envelope":
            var text = envelope
            var items: [(key: String, subject: Subject?)] = []
            var renamed: [String: String] = [:]
            for file in envelopeFiles {
                guard let data = Data(base64Encoded: file), var xml = String(data: data, encoding: .utf8) else { continue }
                for old in Self.matches(xml, "<MA_LK>", "</MA_LK>") {
                    let new = renamed[old] ?? "SK\(n)-E\(renamed.count)"
                    if renamed[old] == nil {
                        renamed[old] = new
                        items.append((new, Self.xmlSubject(xml)))
                    }
                    xml = xml.replacingOccurrences(of: "<MA_LK>\(old)</MA_LK>", with: "<MA_LK>\(new)</MA_LK>")
                }
                text = text.replacingOccurrences(of: file, with: Data(xml.utf8).base64EncodedString())
            }
            return Post(kind: kind, type: "hospital.visit", agency: "bv-bachmai", path: "/v1/hospital/visits",
                        contentType: "application/xml", body: Array(text.utf8), items: items, invalid: false, batch: true)
        case "verdict":
            // A judgment number is n/yyyy/HSST with n of 1–5 digits and a year from 1990: the year changes every
            // 99,999 numbers (3.6 million distinct numbers).
            let number = "\(n % 99_999 + 1)/\(1990 + (n / 99_999) % 36)/HSST"
            var object = verdicts[n % verdicts.count]
            object["number"] = number
            return single(kind, "court.verdict", "tand-hanoi", "/v1/courts/verdicts", object, number,
                          Self.personSubject(object["person"]))
        case "procuracy":
            var object = records[n % records.count]
            object["recordNumber"] = "SOAK-\(n)"
            return single(kind, "procuracy.record", "vksndtc", "/v1/procuracy/records", object, "SOAK-\(n)",
                          Self.personSubject(object["person"]))
        case "request":
            var object = requests[n % requests.count]
            object["requestNumber"] = "VNEID-SOAK-\(n)"
            return single(kind, "vneid.certificate-request", "vneid", "/v1/vneid/certificate-requests", object,
                          "VNEID-SOAK-\(n)", Self.personSubject(object["applicant"]))
        case "certificate":
            var object = certificates[n % certificates.count]
            object["certificateNumber"] = "\(n)/2026/LLTP"
            object["requestNumber"] = "VNEID-SOAK-\(n)"
            return single(kind, "judicial.certificate", "stp-hanoi", "/v1/judicial/certificates", object,
                          "\(n)/2026/LLTP", Self.personSubject(object["person"]))
        default:
            let invalid = invalids[n % invalids.count]
            return Post(kind: "invalid", type: invalid.type, agency: invalid.agency, path: invalid.path,
                        contentType: invalid.contentType, body: invalid.body, items: [], invalid: true, batch: false)
        }
    }

    private func single(_ kind: String, _ type: String, _ agency: String, _ path: String, _ object: [String: Any],
                        _ key: String, _ subject: Subject?) -> Post {
        Post(kind: kind, type: type, agency: agency, path: path, contentType: "application/json", body: Self.json(object),
             items: [(key, subject)], invalid: false, batch: false)
    }

    // MARK: - Subjects

    private static func visitSubject(_ visit: [String: Any]) -> Subject? {
        func field(_ name: String) -> String {
            if let text = visit[name] as? String { return text }
            if let number = visit[name] as? NSNumber { return number.stringValue }
            return ""
        }
        return subject(id: field("SO_CCCD"), name: field("HO_TEN"), birth: field("NGAY_SINH"), sex: field("GIOI_TINH"))
    }

    private static func xmlSubject(_ xml: String) -> Subject? {
        func field(_ name: String) -> String { matches(xml, "<\(name)>", "</\(name)>").first ?? "" }
        return subject(id: field("SO_CCCD"), name: field("HO_TEN"), birth: field("NGAY_SINH"), sex: field("GIOI_TINH"))
    }

    /// A hospital's subject: NGAY_SINH is yyyyMMdd[HHmm], GIOI_TINH 1 male, 2 female.
    private static func subject(id: String, name: String, birth: String, sex: String) -> Subject? {
        guard !id.isEmpty, birth.count >= 8 else { return nil }
        let digits = Array(birth)
        let date = "\(String(digits[0..<4]))-\(String(digits[4..<6]))-\(String(digits[6..<8]))"
        return Subject(citizenId: id, fullName: name, dateOfBirth: date,
                       sex: sex == "1" ? "male" : sex == "2" ? "female" : nil)
    }

    private static func personSubject(_ person: Any?) -> Subject? {
        guard let person = person as? [String: Any], let id = person["citizenId"] as? String,
              let name = person["fullName"] as? String, let birth = person["dateOfBirth"] as? String else { return nil }
        return Subject(citizenId: id, fullName: name, dateOfBirth: birth, sex: person["sex"] as? String)
    }

    // MARK: - Text

    static func json(_ value: Any) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: value, options: [.withoutEscapingSlashes]))
    }

    static func matches(_ text: String, _ open: String, _ close: String) -> [String] {
        var found: [String] = []
        var rest = text[...]
        while let start = rest.range(of: open), let end = rest[start.upperBound...].range(of: close) {
            found.append(String(rest[start.upperBound..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return found
    }
}
