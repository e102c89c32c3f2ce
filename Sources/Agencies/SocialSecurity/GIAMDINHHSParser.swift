import Messages

/// Reads `GIAMDINHHS` claim envelopes: the facility, date and count, and per `HOSO` the tables
/// (`LOAIHOSO` + base64 `NOIDUNGFILE`) decoded to bytes. Inner tables are not parsed here.
public struct GIAMDINHHSParser: Sendable {
    /// Most `HOSO` accepted in one envelope.
    public var maxRecords: Int
    /// Largest decoded inner table accepted.
    public var maxTableBytes: Int

    /// Creates a parser with the given limits (1,000 records, 2 MiB per table by default).
    public init(maxRecords: Int = 1_000, maxTableBytes: Int = 2 * 1024 * 1024) {
        self.maxRecords = maxRecords
        self.maxTableBytes = maxTableBytes
    }

    /// Parses envelope bytes.
    ///
    /// - Throws: ``DecodeFailure`` 400 if the XML is not well-formed or not a `GIAMDINHHS`,
    ///   413 if it holds more than ``maxRecords`` records.
    public func parse(_ bytes: [UInt8]) throws(DecodeFailure) -> ClaimEnvelope {
        let root: XMLElement
        do {
            root = try StrictXMLParser().parse(bytes)
        } catch {
            throw DecodeFailure(
                status: 400, detail: error.description,
                problems: [ValidationProblem(field: "body", code: error.code.rawValue, message: error.description)])
        }
        guard root.name == "GIAMDINHHS" else {
            throw DecodeFailure(status: 400, detail: "root element is \(root.name), not GIAMDINHHS")
        }
        return try envelope(from: root)
    }

    /// Reads an already parsed `GIAMDINHHS` element.
    ///
    /// - Throws: ``DecodeFailure`` 413 if it holds more than ``maxRecords`` records.
    public func envelope(from root: XMLElement) throws(DecodeFailure) -> ClaimEnvelope {
        let info = root.child("THONGTINHOSO")
        let list = info?.child("DANHSACHHOSO")?.children(named: "HOSO") ?? []
        guard list.count <= maxRecords else {
            throw DecodeFailure(
                status: 413, detail: "an envelope holds at most \(maxRecords) HOSO",
                problems: [ValidationProblem(
                    field: "THONGTINHOSO.DANHSACHHOSO", code: "too_many",
                    message: "\(list.count) HOSO; at most \(maxRecords) per envelope")])
        }
        let records = list.map { record in
            record.children(named: "FILEHOSO").map { file -> ClaimFile in
                let kind = VisitRecord.normalise(file.child("LOAIHOSO")?.text ?? "")
                guard let encoded = file.child("NOIDUNGFILE")?.text, !encoded.isEmpty else {
                    return ClaimFile(kind: kind, content: nil, problem: "required")
                }
                if let content = Base64.decode(encoded, maxOutput: maxTableBytes) { return ClaimFile(kind: kind, content: content) }
                let tooLarge = encoded.utf8.count / 4 * 3 > maxTableBytes
                return ClaimFile(kind: kind, content: nil, problem: tooLarge ? "too_long" : "base64")
            }
        }
        return ClaimEnvelope(
            facilityCode: VisitRecord.normalise(root.child("THONGTINDONVI")?.child("MACSKCB")?.text ?? ""),
            createdOn: VisitRecord.normalise(info?.child("NGAYLAP")?.text ?? ""),
            declaredCount: VisitRecord.normalise(info?.child("SOLUONGHOSO")?.text ?? ""),
            records: records)
    }
}
