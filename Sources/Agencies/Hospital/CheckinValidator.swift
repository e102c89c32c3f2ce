import Messages

/// The XML0 rules of DOMAIN.md §4.5: mandatory fields, lengths, date formats, code lists, the
/// conditional fields, and the same ID, card and facility checks as a visit.
public enum CheckinValidator {
    private static let required = [
        "MA_LK", "STT", "MA_BN", "HO_TEN", "NGAY_SINH", "GIOI_TINH", "MA_DOITUONG_KCB", "NGAY_VAO", "MA_LOAI_KCB",
        "MA_CSKCB", "NGAY_YL",
    ]
    private static let limits: [(String, Int)] = [
        ("MA_LK", 100), ("STT", 10), ("MA_BN", 100), ("HO_TEN", 255), ("MA_DKBD", 50), ("GT_THE_TU", 50),
        ("GT_THE_DEN", 50), ("MA_DOITUONG_KCB", 4), ("MA_LY_DO_VNT", 5), ("MA_DICH_VU", 50), ("TEN_DICH_VU", 1024),
        ("MA_THUOC", 255), ("TEN_THUOC", 1024), ("MA_VAT_TU", 255), ("TEN_VAT_TU", 1024),
    ]

    /// Every problem of one check-in.
    ///
    /// - Parameters:
    ///   - record: The check-in.
    ///   - facility: The facility code the sender is bound to, if any.
    public static func problems(_ record: CheckinRecord, facility: String?) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        func add(_ field: String, _ code: String, _ message: String) {
            problems.append(ValidationProblem(field: field, code: code, message: message))
        }
        for field in required where record[field].isEmpty { add(field, "required", "\(field) is required") }
        for (field, limit) in limits where record[field].count > limit {
            add(field, "too_long", "\(field) is longer than \(limit) characters")
        }
        if !record["STT"].isEmpty, !VisitFormats.isDigits(record["STT"]) { add("STT", "format", "STT is a number") }
        if !record["NGAY_SINH"].isEmpty, let code = VisitFormats.dateTimeProblem(record["NGAY_SINH"], unknownDayMonth: true) {
            add("NGAY_SINH", code, "NGAY_SINH is yyyyMMddHHmm")
        }
        for field in ["NGAY_VAO", "NGAY_VAO_NOI_TRU", "NGAY_YL"] where !record[field].isEmpty {
            if let code = VisitFormats.dateTimeProblem(record[field]) { add(field, code, "\(field) is a valid yyyyMMddHHmm") }
        }
        for field in ["GT_THE_TU", "GT_THE_DEN"] where !record[field].isEmpty {
            for date in record[field].split(separator: ";", omittingEmptySubsequences: false) {
                if let code = VisitFormats.dateProblem(String(date)) { add(field, code, "'\(date)' is not a valid yyyyMMdd") }
            }
        }
        if !record["GIOI_TINH"].isEmpty, !["1", "2", "3"].contains(record["GIOI_TINH"]) {
            add("GIOI_TINH", "code_list", "GIOI_TINH is 1, 2 or 3")
        }
        if !record["MA_LOAI_KCB"].isEmpty, !(1...9).map({ "0\($0)" }).contains(record["MA_LOAI_KCB"]) {
            add("MA_LOAI_KCB", "code_list", "MA_LOAI_KCB is 01 to 09")
        }
        let facilityCode = record["MA_CSKCB"]
        if !facilityCode.isEmpty {
            if let code = VisitFormats.facilityProblem(facilityCode) { add("MA_CSKCB", code, "MA_CSKCB is a 5-character facility code") }
            if let facility, facility != facilityCode {
                add("MA_CSKCB", "facility_mismatch", "this sender may only send check-ins of facility \(facility)")
            }
        }
        problems += VisitValidator.identityProblems(id: record["SO_CCCD"], birth: record["NGAY_SINH"], sex: record["GIOI_TINH"])
        problems += VisitValidator.cardProblems(record["MA_THE_BHYT"])
        if !record["NGAY_VAO_NOI_TRU"].isEmpty, record["LY_DO_VNT"].isEmpty {
            add("LY_DO_VNT", "required", "LY_DO_VNT is required when NGAY_VAO_NOI_TRU is set")
        }
        if record["MA_DICH_VU"].isEmpty, record["MA_THUOC"].isEmpty, record["MA_VAT_TU"].isEmpty {
            add("MA_DICH_VU", "required", "MA_DICH_VU is required when there is no MA_THUOC and no MA_VAT_TU")
        }
        return problems
    }
}
