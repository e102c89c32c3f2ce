import Foundation
import Messages

/// One check-in (XML0 `TRANG_THAI_KCB`, DOMAIN.md §4.5): the 26 fields by name, trimmed, `""` when absent.
/// The canonical body is sorted-key JSON of all 26 fields.
public struct CheckinRecord: Sendable, Equatable {
    /// The XML0 field names in table order.
    public static let fieldNames: [String] = [
        "MA_LK", "STT", "MA_BN", "HO_TEN", "SO_CCCD", "NGAY_SINH", "GIOI_TINH", "MA_THE_BHYT", "MA_DKBD",
        "GT_THE_TU", "GT_THE_DEN", "MA_DOITUONG_KCB", "NGAY_VAO", "NGAY_VAO_NOI_TRU", "LY_DO_VNT", "MA_LY_DO_VNT",
        "MA_LOAI_KCB", "MA_CSKCB", "MA_DICH_VU", "TEN_DICH_VU", "MA_THUOC", "TEN_THUOC", "MA_VAT_TU", "TEN_VAT_TU",
        "NGAY_YL", "DU_PHONG",
    ]

    /// Field values by name.
    public var fields: [String: String]

    /// Creates a record; values are trimmed and missing fields become `""`.
    public init(fields: [String: String]) {
        var normalised: [String: String] = [:]
        for name in Self.fieldNames { normalised[name] = VisitRecord.normalise(fields[name] ?? "") }
        self.fields = normalised
    }

    /// Reads a record back from ``canonicalBody``.
    ///
    /// - Throws: ``VisitRecordError`` if the body is not a canonical check-in.
    public init(canonicalBody body: [UInt8]) throws(VisitRecordError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw VisitRecordError(detail: "body is not a JSON object")
        }
        var fields: [String: String] = [:]
        for name in Self.fieldNames {
            guard let value = object[name] as? String else { throw VisitRecordError(detail: "field \(name) missing") }
            fields[name] = value
        }
        self.fields = fields
    }

    /// The value of a field (`""` when absent).
    public subscript(_ name: String) -> String { fields[name] ?? "" }

    /// Sorted-key JSON of the 26 fields.
    public var canonicalBody: [UInt8] { CanonicalJSON.object(fields.mapValues { .string($0) }).bytes }

    /// An XML0 document holding this one check-in, for the BHXH check-in post.
    public var xml0Document: [UInt8] {
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CHI_TIEU_TRANG_THAI_KCB><DSACH_TRANG_THAI_KCB><TRANG_THAI_KCB>"
        for name in Self.fieldNames { XMLText.appendElement(name, self[name], into: &out) }
        out += "</TRANG_THAI_KCB></DSACH_TRANG_THAI_KCB><CHUKYDONVI/></CHI_TIEU_TRANG_THAI_KCB>"
        return Array(out.utf8)
    }
}
