import Foundation
import Messages

/// Decodes hospital visit submissions (`hospital.visit`) into canonical visits, one per MA_LK.
///
/// Accepted bodies:
/// - `application/json`: one object, or an array of at most ``maxItems`` objects, with the 16 fields
///   of DOMAIN.md §1 under their XML1 names. Values are strings; `GIOI_TINH` and `KET_QUA_DTRI`
///   (NUMERIC in XML1) may also be JSON integers. `MA_LOAI_KCB` must be a string, because its leading
///   zero matters. `null` counts as absent; unknown keys are ignored. A larger array is refused whole
///   with 413 (problem `items`/`too_many`): too large to process, not a content error.
/// - `application/xml`, `text/xml`: a bare XML1 document (root `TONG_HOP`), or a `GIAMDINHHS` envelope
///   whose `HOSO` each become one visit (XML1 mandatory, XML2…XML15 kept for the claim).
///
/// The canonical body is ``VisitRecord/canonicalBody``; ``CanonicalMessage/contentHash`` is SHA-256 of
/// ``VisitRecord/fieldsJSON`` only, so a visit sent as JSON or as XML1 is the same message.
/// Idempotency key: `MA_CSKCB:MA_LK`.
public struct HospitalVisitAdapter: InboundAdapter {
    /// `hospital.visit`.
    public let messageType: MessageType = "hospital.visit"
    /// Most items in a JSON array.
    public var maxItems: Int
    /// Envelope limits (records per envelope, bytes per inner table).
    public var envelopeParser: GIAMDINHHSParser

    /// Creates the adapter.
    public init(maxItems: Int = 1_000, envelopeParser: GIAMDINHHSParser = GIAMDINHHSParser()) {
        self.maxItems = maxItems
        self.envelopeParser = envelopeParser
    }

    /// Decodes a JSON or XML visit submission.
    ///
    /// - Throws: ``DecodeFailure`` 415 (other media types), 400 (not well-formed JSON/XML, hostile XML),
    ///   413 (more than ``maxItems`` items or 1,000 HOSO), 422 (empty array, unknown XML root,
    ///   invalid envelope header: MACSKCB, NGAYLAP, SOLUONGHOSO).
    public func decode(_ body: [UInt8], contentType: String, sender: SenderContext) throws(DecodeFailure) -> DecodeResult {
        switch MediaType.essence(contentType) {
        case "application/json": return try decodeJSON(body, sender: sender)
        case "application/xml", "text/xml": return try decodeXML(body, sender: sender)
        default: throw DecodeFailure(status: 415, detail: "send application/json or application/xml")
        }
    }

    // MARK: - JSON

    private static let integerFields: Set<String> = ["GIOI_TINH", "KET_QUA_DTRI"]

    private func decodeJSON(_ body: [UInt8], sender: SenderContext) throws(DecodeFailure) -> DecodeResult {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(body))
        } catch {
            throw DecodeFailure(status: 400, detail: "body is not valid JSON")
        }
        if let object = parsed as? [String: Any] {
            return DecodeResult(items: [item(fromJSON: object, sender: sender)], isBatch: false)
        }
        guard let array = parsed as? [Any] else { throw DecodeFailure(status: 400, detail: "send an object or an array") }
        guard !array.isEmpty else {
            throw DecodeFailure(
                status: 422, detail: "empty array",
                problems: [ValidationProblem(field: "items", code: "required", message: "send at least one visit")])
        }
        guard array.count <= maxItems else {
            throw DecodeFailure(
                status: 413, detail: "at most \(maxItems) visits per request",
                problems: [ValidationProblem(field: "items", code: "too_many", message: "\(array.count) items; at most \(maxItems)")])
        }
        let items = array.map { element -> DecodedItem in
            guard let object = element as? [String: Any] else {
                return .invalid(key: nil, [ValidationProblem(field: "item", code: "format", message: "each item is a JSON object")])
            }
            return item(fromJSON: object, sender: sender)
        }
        return DecodeResult(items: items, isBatch: true)
    }

    private func item(fromJSON object: [String: Any], sender: SenderContext) -> DecodedItem {
        var values: [String: String] = [:]
        var present: Set<String> = []
        var problems: [ValidationProblem] = []
        for name in VisitRecord.fieldNames {
            guard let raw = object[name], !(raw is NSNull) else { continue }
            present.insert(name)
            if let text = raw as? String {
                values[name] = text
            } else if let number = raw as? NSNumber, Self.integerFields.contains(name),
                      let text = Self.integerText(number) {
                values[name] = text
            } else {
                let kind = Self.integerFields.contains(name) ? "a string or an integer" : "a string"
                problems.append(ValidationProblem(field: name, code: "format", message: "\(name) must be \(kind)"))
            }
        }
        return item(VisitRecord(fields: values), present: present, typeProblems: problems, sender: sender)
    }

    /// The decimal text of a JSON integer; nil for booleans and non-integral numbers.
    private static func integerText(_ number: NSNumber) -> String? {
        let type = String(cString: number.objCType)
        guard type != "c", type != "d", type != "f" else { return nil }
        return String(number.int64Value)
    }

    // MARK: - XML

    private func decodeXML(_ body: [UInt8], sender: SenderContext) throws(DecodeFailure) -> DecodeResult {
        let root: XMLElement
        do {
            root = try StrictXMLParser().parse(body)
        } catch {
            throw DecodeFailure(
                status: 400, detail: error.description,
                problems: [ValidationProblem(field: "body", code: error.code.rawValue, message: error.description)])
        }
        switch root.name {
        case XML1Table.root:
            let (values, present) = XML1Table.visitFields(from: root)
            let record = VisitRecord(fields: values, tables: ["XML1": body])
            return DecodeResult(items: [item(record, present: present, typeProblems: [], sender: sender)], isBatch: false)
        case "GIAMDINHHS":
            return try decodeEnvelope(root, sender: sender)
        default:
            throw DecodeFailure(
                status: 422, detail: "root element \(root.name) is not TONG_HOP (XML1) or GIAMDINHHS",
                problems: [ValidationProblem(field: "root", code: "code_list", message: "expected TONG_HOP or GIAMDINHHS")])
        }
    }

    private static let tableKinds: Set<String> = Set((1...15).map { "XML\($0)" })

    private func decodeEnvelope(_ root: XMLElement, sender: SenderContext) throws(DecodeFailure) -> DecodeResult {
        let envelope = try envelopeParser.envelope(from: root)
        var problems: [ValidationProblem] = []
        func add(_ field: String, _ code: String, _ message: String) {
            problems.append(ValidationProblem(field: field, code: code, message: message))
        }
        if envelope.facilityCode.isEmpty {
            add("THONGTINDONVI.MACSKCB", "required", "MACSKCB is required")
        } else if let code = VisitFormats.facilityProblem(envelope.facilityCode) {
            add("THONGTINDONVI.MACSKCB", code, "MACSKCB is a 5-character facility code")
        } else if let facility = sender.code, facility != envelope.facilityCode {
            add("THONGTINDONVI.MACSKCB", "facility_mismatch", "this sender may only send for facility \(facility)")
        }
        if envelope.createdOn.isEmpty {
            add("THONGTINHOSO.NGAYLAP", "required", "NGAYLAP is required")
        } else if let code = VisitFormats.dateProblem(envelope.createdOn) {
            add("THONGTINHOSO.NGAYLAP", code, "NGAYLAP is a valid yyyyMMdd")
        }
        if envelope.records.isEmpty {
            add("THONGTINHOSO.DANHSACHHOSO", "required", "the envelope holds no HOSO")
        }
        if envelope.declaredCount != String(envelope.records.count) {
            add("THONGTINHOSO.SOLUONGHOSO", "count_mismatch",
                "SOLUONGHOSO is '\(envelope.declaredCount)' but the envelope holds \(envelope.records.count) HOSO")
        }
        guard problems.isEmpty else {
            throw DecodeFailure(status: 422, detail: "the GIAMDINHHS envelope is invalid", problems: problems)
        }
        let items = envelope.records.map { record(files: $0, envelopeFacility: envelope.facilityCode, sender: sender) }
        return DecodeResult(items: items, isBatch: true)
    }

    private func record(files: [ClaimFile], envelopeFacility: String, sender: SenderContext) -> DecodedItem {
        var problems: [ValidationProblem] = []
        var tables: [String: [UInt8]] = [:]
        var xml1Index: Int?
        for (index, file) in files.enumerated() {
            let prefix = "FILEHOSO[\(index)]."
            if !Self.tableKinds.contains(file.kind) {
                problems.append(ValidationProblem(
                    field: prefix + "LOAIHOSO", code: "code_list", message: "LOAIHOSO '\(file.kind)' is not XML1 to XML15"))
                continue
            }
            if tables[file.kind] != nil {
                problems.append(ValidationProblem(
                    field: prefix + "LOAIHOSO", code: "duplicate", message: "\(file.kind) appears twice in one HOSO"))
                continue
            }
            guard let content = file.content else {
                let message = switch file.problem {
                case "too_long": "NOIDUNGFILE decodes to more than the per-table limit"
                case "required": "NOIDUNGFILE is empty"
                default: "NOIDUNGFILE is not valid base64"
                }
                problems.append(ValidationProblem(field: prefix + "NOIDUNGFILE", code: file.problem ?? "base64", message: message))
                continue
            }
            tables[file.kind] = content
            if file.kind == "XML1" { xml1Index = index }
        }
        guard let xml1Index, let xml1 = tables["XML1"] else {
            if !files.contains(where: { $0.kind == "XML1" }) {
                problems.append(ValidationProblem(field: "FILEHOSO", code: "required", message: "XML1 is mandatory in every HOSO"))
            }
            return .invalid(key: nil, problems)
        }
        let inner: XMLElement
        do {
            inner = try StrictXMLParser().parse(xml1)
        } catch {
            problems.append(ValidationProblem(
                field: "FILEHOSO[\(xml1Index)].NOIDUNGFILE", code: "xml", message: "XML1: \(error.description)"))
            return .invalid(key: nil, problems)
        }
        guard inner.name == XML1Table.root else {
            problems.append(ValidationProblem(
                field: "FILEHOSO[\(xml1Index)].NOIDUNGFILE", code: "format", message: "XML1 root is \(inner.name), not TONG_HOP"))
            return .invalid(key: nil, problems)
        }
        let (values, present) = XML1Table.visitFields(from: inner)
        var fileProblems = problems
        let visit = VisitRecord(fields: values, tables: tables)
        if !visit["MA_CSKCB"].isEmpty, visit["MA_CSKCB"] != envelopeFacility, sender.code == nil {
            fileProblems.append(ValidationProblem(
                field: "MA_CSKCB", code: "facility_mismatch", message: "MA_CSKCB differs from the envelope's MACSKCB"))
        }
        return item(visit, present: present, typeProblems: fileProblems, sender: sender)
    }

    // MARK: - Canonical message

    private func item(_ record: VisitRecord, present: Set<String>, typeProblems: [ValidationProblem], sender: SenderContext)
        -> DecodedItem
    {
        let facility = record["MA_CSKCB"]
        let maLK = record["MA_LK"]
        let key = facility.isEmpty || maLK.isEmpty ? nil : "\(facility):\(maLK)"
        var problems = typeProblems
        let alreadyReported = Set(typeProblems.map(\.field))
        problems += VisitValidator.problems(record, present: present, facility: sender.code)
            .filter { !alreadyReported.contains($0.field) || $0.code == "facility_mismatch" }
        guard problems.isEmpty, let key else { return .invalid(key: key, problems) }

        let id = record["SO_CCCD"]
        var keys = [BusinessKey(kind: "ma_lk", value: maLK), BusinessKey(kind: "facility", value: facility)]
        if !id.isEmpty { keys.insert(BusinessKey(kind: "citizen", value: id), at: 0) }
        for card in record["MA_THE_BHYT"].split(separator: ";") { keys.append(BusinessKey(kind: "card", value: String(card))) }
        var attributes = ["province": String(facility.prefix(2)), "facility": facility]
        if CitizenID.isValid(id, birth: record["NGAY_SINH"], sex: record["GIOI_TINH"]) {
            // The identity check compares these with the population database (IdentityQuery's attribute names).
            attributes["citizen"] = id
            attributes["fullName"] = record["HO_TEN"]
            attributes["dateOfBirth"] = record["NGAY_SINH"]
            attributes["sex"] = record["GIOI_TINH"]
        }

        // The body can be megabytes of tables: build the message with an empty body so the
        // initialiser does not hash it, then set the body and the field-only hash.
        var message = CanonicalMessage(
            type: messageType, sender: sender.agency, idempotencyKey: key, businessKeys: keys,
            correlationId: sender.correlationId, body: [], attributes: attributes)
        message.body = record.canonicalBody
        message.contentHash = SHA256.hex(record.fieldsJSON)
        return .valid(message)
    }
}
