import Messages

/// Every rule of DOMAIN.md §1 on one visit, all problems at once, each named by its XML1 field.
///
/// Codes: `required`, `too_long`, `format`, `invalid_date`, `date_order`, `code_list`, `id_province`,
/// `id_century_sex`, `id_birth_year`, `icd10`, `card_format`, `too_many`, `facility_mismatch`.
public enum VisitValidator {
    /// Validates a visit.
    ///
    /// - Parameters:
    ///   - record: The normalised fields.
    ///   - present: Which fields the sender included at all (an element or key, even empty):
    ///     `MA_THE_BHYT` must be present though it may be empty.
    ///   - facility: The facility code the sender is bound to (``SenderContext/code``), if any.
    public static func problems(_ record: VisitRecord, present: Set<String>, facility: String?) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        func add(_ field: String, _ code: String, _ message: String) {
            problems.append(ValidationProblem(field: field, code: code, message: message))
        }
        func required(_ field: String) -> String? {
            let value = record[field]
            if value.isEmpty {
                add(field, "required", "\(field) is required")
                return nil
            }
            return value
        }
        func maxLength(_ field: String, _ value: String, _ limit: Int) -> Bool {
            guard value.count <= limit else {
                add(field, "too_long", "\(field) is longer than \(limit) characters")
                return false
            }
            return true
        }

        if let maLK = required("MA_LK") { _ = maxLength("MA_LK", maLK, 100) }

        if let facilityCode = required("MA_CSKCB") {
            switch VisitFormats.facilityProblem(facilityCode) {
            case "format"?: add("MA_CSKCB", "format", "MA_CSKCB is exactly 5 letters or digits")
            case "code_list"?:
                add("MA_CSKCB", "code_list", "characters 1-2 of MA_CSKCB are not a province code")
            default: break
            }
            if let facility, facility != facilityCode {
                add("MA_CSKCB", "facility_mismatch", "this sender may only send visits of facility \(facility)")
            }
        }

        let birth = record["NGAY_SINH"]
        let sex = record["GIOI_TINH"]
        problems += identityProblems(id: record["SO_CCCD"], birth: birth, sex: sex)

        if let name = required("HO_TEN") { _ = maxLength("HO_TEN", name, 255) }

        if let birth = required("NGAY_SINH"), let code = VisitFormats.dateTimeProblem(birth, unknownDayMonth: true) {
            add("NGAY_SINH", code, "NGAY_SINH is yyyyMMddHHmm, year 1900-2399, MMdd a date or 0000, HHmm a time")
        }

        if let sex = required("GIOI_TINH"), !["1", "2", "3"].contains(sex) {
            add("GIOI_TINH", "code_list", "GIOI_TINH is 1 (male), 2 (female) or 3 (undetermined)")
        }

        let cards = record["MA_THE_BHYT"]
        if !present.contains("MA_THE_BHYT") {
            add("MA_THE_BHYT", "required", "MA_THE_BHYT must be sent (empty when the visit is not BHYT)")
        } else {
            problems += cardProblems(cards)
        }

        if let kind = required("MA_LOAI_KCB"), !(1...9).map({ "0\($0)" }).contains(kind) {
            add("MA_LOAI_KCB", "code_list", "MA_LOAI_KCB is 01 to 09")
        }

        var arrival: String?
        if let value = required("NGAY_VAO") {
            if let code = VisitFormats.dateTimeProblem(value) {
                add("NGAY_VAO", code, "NGAY_VAO is a valid yyyyMMddHHmm")
            } else {
                arrival = value
            }
        }
        if let value = required("NGAY_RA") {
            if let code = VisitFormats.dateTimeProblem(value) {
                add("NGAY_RA", code, "NGAY_RA is a valid yyyyMMddHHmm")
            } else if let arrival, value < arrival {
                add("NGAY_RA", "date_order", "NGAY_RA is before NGAY_VAO")
            }
        }

        _ = required("LY_DO_VV")
        _ = required("CHAN_DOAN_RV")

        if let main = required("MA_BENH_CHINH"), maxLength("MA_BENH_CHINH", main, 7), !VisitFormats.isICD10(main) {
            add("MA_BENH_CHINH", "icd10", "MA_BENH_CHINH is one ICD-10 code such as J18.9")
        }

        let secondary = record["MA_BENH_KT"]
        if !secondary.isEmpty, maxLength("MA_BENH_KT", secondary, 100) {
            let codes = secondary.split(separator: ";", omittingEmptySubsequences: false)
            if codes.count > 12 { add("MA_BENH_KT", "too_many", "MA_BENH_KT holds at most 12 codes") }
            for code in codes where !(code.count <= 7 && VisitFormats.isICD10(String(code))) {
                add("MA_BENH_KT", "icd10", "'\(code)' in MA_BENH_KT is not an ICD-10 code")
            }
        }

        if let result = required("KET_QUA_DTRI"), !(1...8).map(String.init).contains(result) {
            add("KET_QUA_DTRI", "code_list", "KET_QUA_DTRI is 1 to 8")
        }

        let followUps = record["NGAY_TAI_KHAM"]
        if !followUps.isEmpty, maxLength("NGAY_TAI_KHAM", followUps, 50) {
            for date in followUps.split(separator: ";", omittingEmptySubsequences: false) {
                if let code = VisitFormats.dateProblem(String(date)) {
                    add("NGAY_TAI_KHAM", code, "'\(date)' in NGAY_TAI_KHAM is not a valid yyyyMMdd")
                }
            }
        }
        return problems
    }

    /// Problems of `SO_CCCD`: empty is fine; a 12-digit value must pass the personal-ID checks
    /// against `birth` and `sex`; otherwise a 9-digit CMND or a passport number (format only).
    static func identityProblems(id: String, birth: String, sex: String) -> [ValidationProblem] {
        guard !id.isEmpty else { return [] }
        guard id.count <= 15 else {
            return [ValidationProblem(field: "SO_CCCD", code: "too_long", message: "SO_CCCD is longer than 15 characters")]
        }
        if CitizenID.isTwelveDigits(id) {
            let birthUsable = VisitFormats.dateTimeProblem(birth, unknownDayMonth: true) == nil
            return CitizenID.problems(id: id, birth: birthUsable ? birth : "", sex: sex)
        }
        if VisitFormats.isDigits(id, count: 9) || isPassport(id) { return [] }
        return [ValidationProblem(
            field: "SO_CCCD", code: "format",
            message: "SO_CCCD is a 12-digit ID, a 9-digit CMND or a passport number (A1234567)")]
    }

    /// Problems of `MA_THE_BHYT` (non-empty): total ≤ 50, each `;`-separated card well-formed.
    static func cardProblems(_ cards: String, field: String = "MA_THE_BHYT") -> [ValidationProblem] {
        guard !cards.isEmpty else { return [] }
        guard cards.count <= 50 else {
            return [ValidationProblem(field: field, code: "too_long", message: "\(field) is longer than 50 characters")]
        }
        return cards.split(separator: ";", omittingEmptySubsequences: false)
            .filter { !VisitFormats.isCardNumber(String($0)) }
            .map { ValidationProblem(field: field, code: "card_format", message: "'\($0)' is not a 15-character BHYT card number") }
    }

    /// Passport numbers as XML1 vendors check them: one uppercase letter and 7 digits.
    static func isPassport(_ value: String) -> Bool {
        let b = Array(value.utf8)
        return b.count == 8 && VisitFormats.isUpper(b[0]) && b[1...].allSatisfy(VisitFormats.isDigit)
    }
}
