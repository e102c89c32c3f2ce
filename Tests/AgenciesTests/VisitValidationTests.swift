import Agencies
import Messages
import Testing

@Suite struct VisitValidationTests {
    private func problems(_ changes: [String: String], drop: [String] = [], facility: String? = nil) -> [ValidationProblem] {
        var fields = Fixtures.baseVisit
        for (key, value) in changes { fields[key] = value }
        for key in drop { fields[key] = nil }
        var present = Set(fields.keys)
        if drop.contains("MA_THE_BHYT") { present.remove("MA_THE_BHYT") }
        return VisitValidator.problems(VisitRecord(fields: fields), present: present, facility: facility)
    }

    private func codes(_ changes: [String: String], drop: [String] = [], facility: String? = nil) -> [String] {
        problems(changes, drop: drop, facility: facility).map { "\($0.field):\($0.code)" }
    }

    @Test func baseVisitIsValid() {
        #expect(problems([:]).isEmpty)
        #expect(problems([:], facility: "01013").isEmpty)
    }

    @Test(arguments: [
        (["MA_LK": ""], "MA_LK:required"),
        (["MA_LK": String(repeating: "L", count: 101)], "MA_LK:too_long"),
        (["MA_CSKCB": ""], "MA_CSKCB:required"),
        (["MA_CSKCB": "010131"], "MA_CSKCB:format"),
        (["MA_CSKCB": "03013"], "MA_CSKCB:code_list"),
        (["HO_TEN": ""], "HO_TEN:required"),
        (["HO_TEN": String(repeating: "Ă", count: 256)], "HO_TEN:too_long"),
        (["NGAY_SINH": "20030515"], "NGAY_SINH:format"),
        (["NGAY_SINH": "200313150000"], "NGAY_SINH:invalid_date"),
        (["NGAY_SINH": "200305152400"], "NGAY_SINH:invalid_date"),
        (["NGAY_SINH": "200305150060"], "NGAY_SINH:invalid_date"),
        (["GIOI_TINH": "0"], "GIOI_TINH:code_list"),
        (["MA_LOAI_KCB": "1"], "MA_LOAI_KCB:code_list"),
        (["MA_LOAI_KCB": "00"], "MA_LOAI_KCB:code_list"),
        (["NGAY_VAO": "202402301015"], "NGAY_VAO:invalid_date"),
        (["NGAY_VAO": "2024030110"], "NGAY_VAO:format"),
        (["NGAY_RA": "202403011014"], "NGAY_RA:date_order"),
        (["LY_DO_VV": " \n"], "LY_DO_VV:required"),
        (["CHAN_DOAN_RV": ""], "CHAN_DOAN_RV:required"),
        (["MA_BENH_CHINH": ""], "MA_BENH_CHINH:required"),
        (["KET_QUA_DTRI": "0"], "KET_QUA_DTRI:code_list"),
        (["KET_QUA_DTRI": "9"], "KET_QUA_DTRI:code_list"),
        (["NGAY_TAI_KHAM": "20240308;2024031"], "NGAY_TAI_KHAM:format"),
        (["NGAY_TAI_KHAM": "20230229"], "NGAY_TAI_KHAM:invalid_date"),
        (["NGAY_TAI_KHAM": String(repeating: "20240308;", count: 6) + "20240308"], "NGAY_TAI_KHAM:too_long"),
    ])
    func eachRuleNamesFieldAndCode(changes: [String: String], expected: String) {
        #expect(codes(changes) == [expected])
    }

    @Test func facilityMustMatchSender() {
        #expect(codes([:], facility: "79001") == ["MA_CSKCB:facility_mismatch"])
    }

    @Test func datesAcceptLeapDaysAndUnknownBirthDayMonth() {
        #expect(problems(["NGAY_VAO": "202402291015", "NGAY_RA": "202402292359"]).isEmpty)
        #expect(codes(["NGAY_VAO": "202302291015"]).contains("NGAY_VAO:invalid_date"))
        #expect(problems(["NGAY_SINH": "200300000000"]).isEmpty)
        #expect(codes(["NGAY_SINH": "200300150000"]) == ["NGAY_SINH:invalid_date"])
        #expect(codes(["NGAY_SINH": "189912310000", "SO_CCCD": ""]) == ["NGAY_SINH:invalid_date"])
        #expect(codes(["NGAY_SINH": "240001010000", "SO_CCCD": ""]) == ["NGAY_SINH:invalid_date"])
        #expect(problems(["NGAY_RA": "202403011015"]).isEmpty)  // same minute is fine
    }

    @Test func everyProblemAtOnce() {
        let found = codes(["MA_LK": "", "HO_TEN": "", "GIOI_TINH": "9", "MA_BENH_CHINH": "x", "KET_QUA_DTRI": ""])
        #expect(found == ["MA_LK:required", "HO_TEN:required", "GIOI_TINH:code_list", "MA_BENH_CHINH:icd10", "KET_QUA_DTRI:required"])
    }

    // MARK: - Personal ID (DOMAIN.md §1, §6.1)

    @Test func domainExamples() {
        #expect(problems(["SO_CCCD": "001303012345", "NGAY_SINH": "200305150000", "GIOI_TINH": "2"]).isEmpty)
        #expect(codes(["SO_CCCD": "079185001234", "NGAY_SINH": "198506010000", "GIOI_TINH": "1"]) == ["SO_CCCD:id_century_sex"])
        #expect(codes(["SO_CCCD": "003085001234", "NGAY_SINH": "198506010000", "GIOI_TINH": "1"]) == ["SO_CCCD:id_province"])
        #expect(problems(["SO_CCCD": "086091000123", "NGAY_SINH": "199101010000", "GIOI_TINH": "1"]).isEmpty)
    }

    @Test(arguments: [
        ("001", true), ("096", true), ("079", true), ("046", true), ("003", false), ("000", false), ("097", false),
        ("101", false), ("050", false),
    ])
    func provincePrefix(prefix: String, valid: Bool) {
        let found = codes(["SO_CCCD": prefix + "303012345"])
        #expect(found.contains("SO_CCCD:id_province") == !valid)
    }

    @Test(arguments: [
        // (year, sex, digit 4, valid)
        (1950, "1", 0, true), (1950, "2", 1, true), (1950, "1", 1, false), (1950, "2", 0, false),
        (2003, "1", 2, true), (2003, "2", 3, true), (2003, "2", 1, false), (2003, "1", 3, false),
        (2150, "1", 4, true), (2150, "2", 5, true), (2250, "2", 7, true), (2350, "1", 8, true), (2350, "2", 9, true),
        (2003, "3", 2, true), (2003, "3", 3, true), (2003, "3", 0, false), (1999, "3", 2, false),
    ])
    func centuryAndSexDigit(year: Int, sex: String, digit: Int, valid: Bool) {
        let yy = String(format: "%02d", year % 100)
        let id = "001\(digit)\(yy)012345"
        let found = codes(["SO_CCCD": id, "NGAY_SINH": "\(year)01010000", "GIOI_TINH": sex])
        #expect(found.contains("SO_CCCD:id_century_sex") == !valid, "\(id) \(year) \(sex)")
        #expect(!found.contains("SO_CCCD:id_birth_year"))
    }

    @Test func birthYearDigits() {
        #expect(codes(["NGAY_SINH": "200405150000"]) == ["SO_CCCD:id_birth_year"])
        #expect(codes(["SO_CCCD": "001300012345", "NGAY_SINH": "200005150000"]).isEmpty)
        #expect(codes(["SO_CCCD": "001399012345", "NGAY_SINH": "200005150000"]) == ["SO_CCCD:id_birth_year"])
    }

    @Test func otherIdentityDocuments() {
        #expect(problems(["SO_CCCD": ""]).isEmpty)
        #expect(problems(["SO_CCCD": "123456789"]).isEmpty)  // old 9-digit CMND
        #expect(problems(["SO_CCCD": "B1234567"]).isEmpty)  // passport
        #expect(codes(["SO_CCCD": "12345"]) == ["SO_CCCD:format"])
        #expect(codes(["SO_CCCD": "00130301234"]) == ["SO_CCCD:format"])
        #expect(codes(["SO_CCCD": "0013030123456789"]) == ["SO_CCCD:too_long"])
    }

    @Test func citizenIDValidity() {
        #expect(CitizenID.isValid("001303012345", birth: "200305150000", sex: "2"))
        #expect(!CitizenID.isValid("001303012345", birth: "200305150000", sex: "1"))
        #expect(!CitizenID.isValid("001303012345", birth: "bad", sex: "2"))
        #expect(!CitizenID.isValid("B1234567", birth: "200305150000", sex: "2"))
    }

    // MARK: - ICD-10 and cards

    @Test(arguments: [
        ("J18.9", true), ("E11.65", true), ("A00", true), ("Z99.A1", true), ("J18.123", true), ("J18.1234", false),
        ("J189", false), ("j18.9", false), ("J1.9", false), ("J18.", false), ("18J.9", false), ("J18-9", false),
    ])
    func mainDiagnosis(code: String, valid: Bool) {
        let found = codes(["MA_BENH_CHINH": code])
        #expect(found.isEmpty == valid, "\(code): \(found)")
        if code == "J18.1234" { #expect(found == ["MA_BENH_CHINH:too_long"]) }
    }

    @Test func secondaryDiagnoses() {
        #expect(problems(["MA_BENH_KT": ""]).isEmpty)
        #expect(problems(["MA_BENH_KT": (0..<12).map { "A\(String(format: "%02d", $0)).1" }.joined(separator: ";")]).isEmpty)
        #expect(codes(["MA_BENH_KT": (0..<13).map { "A\(String(format: "%02d", $0))" }.joined(separator: ";")]) == ["MA_BENH_KT:too_many"])
        #expect(codes(["MA_BENH_KT": "J20.9;;R50.9"]) == ["MA_BENH_KT:icd10"])
        #expect(codes(["MA_BENH_KT": "J20.9;J20.1234"]) == ["MA_BENH_KT:icd10"])
        #expect(codes(["MA_BENH_KT": String(repeating: "J20.91;", count: 14) + "J20.9"]) == ["MA_BENH_KT:too_long"])
    }

    @Test func cardNumbers() {
        #expect(problems(["MA_THE_BHYT": ""]).isEmpty)
        #expect(problems(["MA_THE_BHYT": "HS4010123456789;DN1790123456789"]).isEmpty)
        #expect(problems(["MA_THE_BHYT": "QN5990123456789"]).isEmpty)  // province digits: format only
        #expect(codes([:], drop: ["MA_THE_BHYT"]) == ["MA_THE_BHYT:required"])
        for bad in ["HS0010123456789", "HS6010123456789", "hs4010123456789", "H14010123456789", "HS401012345678",
                    "HS40101234567890", "HS4010123456789;", "HS40A0123456789"] {
            #expect(codes(["MA_THE_BHYT": bad]) == ["MA_THE_BHYT:card_format"], "\(bad)")
        }
        #expect(codes(["MA_THE_BHYT": Array(repeating: "HS4010123456789", count: 4).joined(separator: ";")]) == ["MA_THE_BHYT:too_long"])
    }
}
