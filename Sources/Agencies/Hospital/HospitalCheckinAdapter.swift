import Messages

/// Decodes hospital check-ins (`hospital.checkin`): an XML0 document `CHI_TIEU_TRANG_THAI_KCB` whose
/// `DSACH_TRANG_THAI_KCB/TRANG_THAI_KCB` entries each become one message (one entry: a single
/// message; several: a batch with per-item receipts). Natural key `MA_CSKCB:MA_LK:checkin`.
public struct HospitalCheckinAdapter: InboundAdapter {
    /// `hospital.checkin`.
    public let messageType: MessageType = "hospital.checkin"
    /// Most check-ins in one document.
    public var maxItems: Int

    /// Creates the adapter.
    public init(maxItems: Int = 1_000) { self.maxItems = maxItems }

    /// Decodes an XML0 document; every `TRANG_THAI_KCB` is one item.
    ///
    /// - Throws: ``DecodeFailure`` 415 (not XML), 400 (not well-formed or hostile), 422 (not XML0 or
    ///   empty), 413 (more than ``maxItems`` entries).
    public func decode(_ body: [UInt8], contentType: String, sender: SenderContext) throws(DecodeFailure) -> DecodeResult {
        guard ["application/xml", "text/xml"].contains(MediaType.essence(contentType)) else {
            throw DecodeFailure(status: 415, detail: "send application/xml (XML0)")
        }
        let root: XMLElement
        do {
            root = try StrictXMLParser().parse(body)
        } catch {
            throw DecodeFailure(
                status: 400, detail: error.description,
                problems: [ValidationProblem(field: "body", code: error.code.rawValue, message: error.description)])
        }
        guard root.name == "CHI_TIEU_TRANG_THAI_KCB" else {
            throw DecodeFailure(
                status: 422, detail: "root element \(root.name) is not CHI_TIEU_TRANG_THAI_KCB",
                problems: [ValidationProblem(field: "root", code: "code_list", message: "expected CHI_TIEU_TRANG_THAI_KCB")])
        }
        let entries = root.child("DSACH_TRANG_THAI_KCB")?.children(named: "TRANG_THAI_KCB") ?? []
        guard !entries.isEmpty else {
            throw DecodeFailure(
                status: 422, detail: "no TRANG_THAI_KCB",
                problems: [ValidationProblem(field: "DSACH_TRANG_THAI_KCB", code: "required", message: "send at least one check-in")])
        }
        guard entries.count <= maxItems else {
            throw DecodeFailure(
                status: 413, detail: "at most \(maxItems) check-ins per document",
                problems: [ValidationProblem(field: "DSACH_TRANG_THAI_KCB", code: "too_many", message: "\(entries.count) entries")])
        }
        let items = entries.map { entry in item(entry, sender: sender) }
        return DecodeResult(items: items, isBatch: entries.count > 1)
    }

    private func item(_ entry: XMLElement, sender: SenderContext) -> DecodedItem {
        var values: [String: String] = [:]
        let wanted = Set(CheckinRecord.fieldNames)
        for child in entry.children where wanted.contains(child.name) && values[child.name] == nil {
            values[child.name] = child.text
        }
        let record = CheckinRecord(fields: values)
        let facility = record["MA_CSKCB"]
        let maLK = record["MA_LK"]
        let key = facility.isEmpty || maLK.isEmpty ? nil : "\(facility):\(maLK):checkin"
        let problems = CheckinValidator.problems(record, facility: sender.code)
        guard problems.isEmpty, let key else { return .invalid(key: key, problems) }
        let id = record["SO_CCCD"]
        var keys = [BusinessKey(kind: "ma_lk", value: maLK), BusinessKey(kind: "facility", value: facility)]
        if !id.isEmpty { keys.insert(BusinessKey(kind: "citizen", value: id), at: 0) }
        for card in record["MA_THE_BHYT"].split(separator: ";") { keys.append(BusinessKey(kind: "card", value: String(card))) }
        var attributes = ["province": String(facility.prefix(2)), "facility": facility]
        if CitizenID.isValid(id, birth: record["NGAY_SINH"], sex: record["GIOI_TINH"]) { attributes["citizen"] = id }
        return .valid(CanonicalMessage(
            type: messageType, sender: sender.agency, idempotencyKey: key, businessKeys: keys,
            correlationId: sender.correlationId, body: record.canonicalBody, attributes: attributes))
    }
}
