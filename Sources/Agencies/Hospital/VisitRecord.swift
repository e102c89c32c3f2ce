import Foundation
import Messages

/// The visit record Interchange carries (DOMAIN.md §1): the 16 XML1 fields, plus the claim tables
/// the hospital sent (LOAIHOSO → the table's XML bytes) so the BHXH claim can be rebuilt as sent.
///
/// Canonical form: ``canonicalBody`` is sorted-key JSON of all 16 fields (absent = `""`) and
/// `"tables": {"XML1": base64, ...}`. The message's content hash is taken over ``fieldsJSON``
/// (the 16 fields alone), so the same visit sent as JSON or as XML1 is the same message.
public struct VisitRecord: Sendable, Equatable {
    /// The 16 field names, in DOMAIN.md §1 order.
    public static let fieldNames: [String] = [
        "MA_LK", "MA_CSKCB", "SO_CCCD", "HO_TEN", "NGAY_SINH", "GIOI_TINH", "MA_THE_BHYT", "MA_LOAI_KCB",
        "NGAY_VAO", "NGAY_RA", "LY_DO_VV", "CHAN_DOAN_RV", "MA_BENH_CHINH", "MA_BENH_KT", "KET_QUA_DTRI",
        "NGAY_TAI_KHAM",
    ]

    /// Field values by XML1 name; every one of ``fieldNames`` is present (`""` when not sent).
    public var fields: [String: String]
    /// Claim tables by LOAIHOSO (`XML1` … `XML15`): the decoded bytes of each inner document.
    public var tables: [String: [UInt8]]

    /// Creates a record; values are normalised (trimmed) and missing fields become `""`.
    public init(fields: [String: String], tables: [String: [UInt8]] = [:]) {
        var normalised: [String: String] = [:]
        for name in Self.fieldNames { normalised[name] = Self.normalise(fields[name] ?? "") }
        self.fields = normalised
        self.tables = tables
    }

    /// The value of a field (`""` when absent).
    public subscript(_ name: String) -> String { fields[name] ?? "" }

    /// Trims leading and trailing whitespace (space, tab, CR, LF).
    public static func normalise(_ value: String) -> String {
        let utf8 = value.utf8
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        guard let first = utf8.first, let last = utf8.last, isSpace(first) || isSpace(last) else { return value }
        return value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Sorted-key JSON of the 16 fields: what the content hash is computed over.
    public var fieldsJSON: [UInt8] {
        CanonicalJSON.object(fields.mapValues { .string($0) }).bytes
    }

    /// Sorted-key JSON of the 16 fields and `tables` (base64 of each table): the message body.
    public var canonicalBody: [UInt8] {
        var members = fields.mapValues { CanonicalJSON.string($0) }
        members["tables"] = .object(tables.mapValues { .string(Base64.encodeString($0)) })
        return CanonicalJSON.object(members).bytes
    }

    /// Reads a record back from ``canonicalBody``.
    ///
    /// - Throws: ``VisitRecordError`` if the body is not a canonical visit.
    public init(canonicalBody body: [UInt8]) throws(VisitRecordError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw VisitRecordError(detail: "body is not a JSON object")
        }
        var fields: [String: String] = [:]
        for name in Self.fieldNames {
            guard let value = object[name] as? String else { throw VisitRecordError(detail: "field \(name) missing") }
            fields[name] = value
        }
        var tables: [String: [UInt8]] = [:]
        if let encoded = object["tables"] as? [String: Any] {
            for (kind, value) in encoded {
                guard let text = value as? String, let bytes = Base64.decode(text) else {
                    throw VisitRecordError(detail: "table \(kind) is not base64")
                }
                tables[kind] = bytes
            }
        }
        self.fields = fields
        self.tables = tables
    }
}
