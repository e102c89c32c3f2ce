import Foundation
import Messages

/// Locates `Fixtures/` from this file's path and builds shared test inputs.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func hospital(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent("hospital").appendingPathComponent(name)))
    }

    static func sender(code: String? = "01013") -> SenderContext {
        SenderContext(agency: "bv-bach-mai", kind: "hospital", code: code, province: "01", correlationId: "test-corr")
    }

    /// The valid visit of `visit-single.json` (woman born 2003, Hà Nội).
    static let baseVisit: [String: String] = [
        "MA_LK": "LK2024000001", "MA_CSKCB": "01013", "SO_CCCD": "001303012345", "HO_TEN": "Nguyễn Thị An",
        "NGAY_SINH": "200305150000", "GIOI_TINH": "2", "MA_THE_BHYT": "HS4010123456789", "MA_LOAI_KCB": "01",
        "NGAY_VAO": "202403011015", "NGAY_RA": "202403011130", "LY_DO_VV": "Sốt, ho 3 ngày",
        "CHAN_DOAN_RV": "Viêm phổi & sốt", "MA_BENH_CHINH": "J18.9", "MA_BENH_KT": "J20.9;R50.9",
        "KET_QUA_DTRI": "1", "NGAY_TAI_KHAM": "20240308",
    ]

    static func json(_ object: Any) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: object))
    }

    /// A GIAMDINHHS envelope around the given HOSO (each a list of LOAIHOSO + NOIDUNGFILE text).
    static func envelope(_ records: [[(String, String)]], facility: String = "01013", count: Int? = nil) -> [UInt8] {
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?><GIAMDINHHS><THONGTINDONVI><MACSKCB>\(facility)</MACSKCB>"
        out += "</THONGTINDONVI><THONGTINHOSO><NGAYLAP>20240301</NGAYLAP><SOLUONGHOSO>\(count ?? records.count)</SOLUONGHOSO>"
        out += "<DANHSACHHOSO>"
        for files in records {
            out += "<HOSO>"
            for (kind, content) in files { out += "<FILEHOSO><LOAIHOSO>\(kind)</LOAIHOSO><NOIDUNGFILE>\(content)</NOIDUNGFILE></FILEHOSO>" }
            out += "</HOSO>"
        }
        out += "</DANHSACHHOSO></THONGTINHOSO><CHUKYDONVI/></GIAMDINHHS>"
        return Array(out.utf8)
    }
}
