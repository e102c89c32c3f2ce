/// The XML1 table (Chỉ tiêu tổng hợp KCB) of QĐ 130 + 4750, DOMAIN.md §4.3: root `TONG_HOP`,
/// one child element per field, in this order.
public enum XML1Table {
    /// The root element's name.
    public static let root = "TONG_HOP"

    /// The 65 numbered fields plus `NHOM_MAU` (added by 4750 without a number), in table order.
    public static let fieldNames: [String] = [
        "MA_LK", "STT", "MA_BN", "HO_TEN", "SO_CCCD", "NGAY_SINH", "GIOI_TINH", "NHOM_MAU", "MA_QUOCTICH",
        "MA_DANTOC", "MA_NGHE_NGHIEP", "DIA_CHI", "MATINH_CU_TRU", "MAHUYEN_CU_TRU", "MAXA_CU_TRU", "DIEN_THOAI",
        "MA_THE_BHYT", "MA_DKBD", "GT_THE_TU", "GT_THE_DEN", "NGAY_MIEN_CCT", "LY_DO_VV", "LY_DO_VNT",
        "MA_LY_DO_VNT", "CHAN_DOAN_VAO", "CHAN_DOAN_RV", "MA_BENH_CHINH", "MA_BENH_KT", "MA_BENH_YHCT",
        "MA_PTTT_QT", "MA_DOITUONG_KCB", "MA_NOI_DI", "MA_NOI_DEN", "MA_TAI_NAN", "NGAY_VAO", "NGAY_VAO_NOI_TRU",
        "NGAY_RA", "GIAY_CHUYEN_TUYEN", "SO_NGAY_DTRI", "PP_DIEU_TRI", "KET_QUA_DTRI", "MA_LOAI_RV", "GHI_CHU",
        "NGAY_TTOAN", "T_THUOC", "T_VTYT", "T_TONGCHI_BV", "T_TONGCHI_BH", "T_BNTT", "T_BNCCT", "T_BHTT",
        "T_NGUONKHAC", "T_BHTT_GDV", "NAM_QT", "THANG_QT", "MA_LOAI_KCB", "MA_KHOA", "MA_CSKCB", "MA_KHUVUC",
        "CAN_NANG", "CAN_NANG_CON", "NAM_NAM_LIEN_TUC", "NGAY_TAI_KHAM", "MA_HSBA", "MA_TTDV", "DU_PHONG",
    ]

    /// Reads the visit fields from a parsed `TONG_HOP` element: the text of the first child of each
    /// name, trimmed. Returns the values and which elements were present at all.
    public static func visitFields(from root: XMLElement) -> (values: [String: String], present: Set<String>) {
        var values: [String: String] = [:]
        var present: Set<String> = []
        let wanted = Set(VisitRecord.fieldNames)
        for child in root.children where wanted.contains(child.name) && !present.contains(child.name) {
            present.insert(child.name)
            values[child.name] = VisitRecord.normalise(child.text)
        }
        return (values, present)
    }

    /// Builds an XML1 document from the visit fields: every table field as an element, the ones
    /// Interchange does not carry left empty (`STT` is 1: one visit per document).
    public static func document(from fields: [String: String]) -> [UInt8] {
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<\(root)>"
        for name in fieldNames {
            let value = name == "STT" ? (fields[name] ?? "1") : (fields[name] ?? "")
            XMLText.appendElement(name, value, into: &out)
        }
        out += "</\(root)>"
        return Array(out.utf8)
    }
}
