import Foundation
import Messages

/// Encodes a canonical visit as the BHXH claim post (DOMAIN.md §5.1, §5.2 row 4): a `GIAMDINHHS`
/// envelope holding one `HOSO` with the tables the hospital sent (for a JSON visit, an XML1 built
/// from the 16 fields with the other XML1 elements empty), base64-encoded as `fileHSBase64` in an
/// `application/x-www-form-urlencoded` body with `username`, `loaiHoSo=130`, `maTinh`, `maCSKCB`.
///
/// The portal's token headers (`accessToken`, `tokenId`, `passwordHash`) are added at delivery time
/// (``SocialSecurityProtocol/authorizationHeaders(token:passwordHash:)``). `NGAYLAP` is the day the
/// gateway received the visit (Vietnam time), so every retry sends the same bytes.
public struct SocialSecurityClaimEncoder: OutboundEncoder {
    /// The facility's portal account name (`username` form field).
    public var username: String
    /// `loaiHoSo` for QĐ 130/4750 claims.
    public var claimKind: String

    /// Creates the encoder.
    public init(username: String = "", claimKind: String = "130") {
        self.username = username
        self.claimKind = claimKind
    }

    /// Encodes one visit.
    ///
    /// - Throws: ``VisitRecordError`` if the body is not a canonical visit.
    public func encode(_ message: CanonicalMessage) throws -> OutboundPayload {
        let record = try VisitRecord(canonicalBody: message.body)
        let envelope = Self.envelope(for: record, createdOn: Self.vietnamDate(message.receivedAt))
        let facility = record["MA_CSKCB"]
        let body = FormURLEncoding.encode([
            ("username", username),
            ("loaiHoSo", claimKind),
            ("maTinh", String(facility.prefix(2))),
            ("maCSKCB", facility),
            ("fileHSBase64", Base64.encodeString(envelope)),
        ])
        return OutboundPayload(contentType: "application/x-www-form-urlencoded", body: body)
    }

    /// The `GIAMDINHHS` document for one visit.
    ///
    /// - Parameters:
    ///   - record: The visit; without an XML1 table, one is built from its fields.
    ///   - createdOn: `NGAYLAP`, `yyyyMMdd`.
    public static func envelope(for record: VisitRecord, createdOn: String) -> [UInt8] {
        var tables = record.tables
        if tables["XML1"] == nil { tables["XML1"] = XML1Table.document(from: record.fields) }
        let kinds = tables.keys.sorted { (Int($0.dropFirst(3)) ?? 99) < (Int($1.dropFirst(3)) ?? 99) }
        var head = """
            <?xml version="1.0" encoding="utf-8"?>
            <GIAMDINHHS xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
            """
        head += "<THONGTINDONVI>"
        XMLText.appendElement("MACSKCB", record["MA_CSKCB"], into: &head)
        head += "</THONGTINDONVI><THONGTINHOSO>"
        XMLText.appendElement("NGAYLAP", createdOn, into: &head)
        head += "<SOLUONGHOSO>1</SOLUONGHOSO><DANHSACHHOSO><HOSO>"
        var out = Array(head.utf8)
        for kind in kinds {
            guard let table = tables[kind] else { continue }
            out += Array("<FILEHOSO><LOAIHOSO>\(XMLText.escape(kind))</LOAIHOSO><NOIDUNGFILE>".utf8)
            out += Base64.encode(table)
            out += Array("</NOIDUNGFILE></FILEHOSO>".utf8)
        }
        out += Array("</HOSO></DANHSACHHOSO></THONGTINHOSO><CHUKYDONVI/></GIAMDINHHS>".utf8)
        return out
    }

    /// `yyyyMMdd` of `date` in Vietnam time (UTC+7, no daylight saving).
    static func vietnamDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600) ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let year = parts.year ?? 1970
        let month = parts.month ?? 1
        let day = parts.day ?? 1
        return String(format: "%04d%02d%02d", year, month, day)
    }
}
