/// The 63 provinces of Vietnam as coded before the 2025 merger (DOMAIN.md §6.1, TT 07/2016/TT-BCA
/// Phụ lục 1). Issued personal ID numbers keep the historical birth-registration province, so this
/// table stays valid after the merger.
///
/// Two forms of the same code are in use: BHXH's two-digit codes (`01` Hà Nội, `79` Hồ Chí Minh),
/// used in `MA_CSKCB`, card numbers and configuration; and the three-digit prefix of the 12-digit
/// personal ID, which is the same code with a leading `0` (`001`, `079`).
public enum Provinces {
    /// Every province as (two-digit code, name), in code order.
    public static let all: [(code: String, name: String)] = [
        ("01", "Hà Nội"), ("02", "Hà Giang"), ("04", "Cao Bằng"), ("06", "Bắc Kạn"), ("08", "Tuyên Quang"),
        ("10", "Lào Cai"), ("11", "Điện Biên"), ("12", "Lai Châu"), ("14", "Sơn La"), ("15", "Yên Bái"),
        ("17", "Hòa Bình"), ("19", "Thái Nguyên"), ("20", "Lạng Sơn"), ("22", "Quảng Ninh"), ("24", "Bắc Giang"),
        ("25", "Phú Thọ"), ("26", "Vĩnh Phúc"), ("27", "Bắc Ninh"), ("30", "Hải Dương"), ("31", "Hải Phòng"),
        ("33", "Hưng Yên"), ("34", "Thái Bình"), ("35", "Hà Nam"), ("36", "Nam Định"), ("37", "Ninh Bình"),
        ("38", "Thanh Hóa"), ("40", "Nghệ An"), ("42", "Hà Tĩnh"), ("44", "Quảng Bình"), ("45", "Quảng Trị"),
        ("46", "Thừa Thiên Huế"), ("48", "Đà Nẵng"), ("49", "Quảng Nam"), ("51", "Quảng Ngãi"), ("52", "Bình Định"),
        ("54", "Phú Yên"), ("56", "Khánh Hòa"), ("58", "Ninh Thuận"), ("60", "Bình Thuận"), ("62", "Kon Tum"),
        ("64", "Gia Lai"), ("66", "Đắk Lắk"), ("67", "Đắk Nông"), ("68", "Lâm Đồng"), ("70", "Bình Phước"),
        ("72", "Tây Ninh"), ("74", "Bình Dương"), ("75", "Đồng Nai"), ("77", "Bà Rịa–Vũng Tàu"),
        ("79", "Hồ Chí Minh"), ("80", "Long An"), ("82", "Tiền Giang"), ("83", "Bến Tre"), ("84", "Trà Vinh"),
        ("86", "Vĩnh Long"), ("87", "Đồng Tháp"), ("89", "An Giang"), ("91", "Kiên Giang"), ("92", "Cần Thơ"),
        ("93", "Hậu Giang"), ("94", "Sóc Trăng"), ("95", "Bạc Liêu"), ("96", "Cà Mau"),
    ]

    /// The 63 two-digit codes in order (`01`, `02`, `04`, …, `96`).
    public static let codes: [String] = all.map(\.code)

    private static let namesByCode: [String: String] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.code, $0.name) }
    )

    /// Whether `code` is one of the 63 two-digit province codes, e.g. `01`.
    public static func isValid(_ code: String) -> Bool { namesByCode[code] != nil }

    /// The province's name for a two-digit code, e.g. `Hà Nội` for `01`.
    public static func name(of code: String) -> String? { namesByCode[code] }

    /// Whether `prefix` (the first three digits of a 12-digit personal ID) is a province code,
    /// i.e. `0` followed by one of the two-digit codes: `001` yes, `003` no.
    public static func isValidCitizenPrefix<S: StringProtocol>(_ prefix: S) -> Bool {
        code(forCitizenPrefix: prefix) != nil
    }

    /// The two-digit province code of a personal-ID prefix (`079` → `79`), or `nil` when the prefix
    /// is not a province (a country code or a typo).
    public static func code<S: StringProtocol>(forCitizenPrefix prefix: S) -> String? {
        let utf8 = Array(prefix.utf8)
        guard utf8.count == 3, utf8[0] == UInt8(ascii: "0") else { return nil }
        let code = String(decoding: utf8[1...], as: UTF8.self)
        return isValid(code) ? code : nil
    }

    /// The personal-ID prefix of a two-digit province code (`79` → `079`), or `nil` when unknown.
    public static func citizenPrefix(of code: String) -> String? { isValid(code) ? "0" + code : nil }
}
