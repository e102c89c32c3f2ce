/// The 63 province codes of TT 07/2016/TT-BCA Phụ lục 1 (DOMAIN.md §6.1). The 2-digit BHXH codes
/// (MA_CSKCB characters 1–2, card characters 4–5) are the same codes without the leading `0` (§6.4).
public enum ProvinceCodes {
    /// The 3-digit codes that start a 12-digit personal ID.
    public static let threeDigit: Set<String> = [
        "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022", "024",
        "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042", "044", "045",
        "046", "048", "049", "051", "052", "054", "056", "058", "060", "062", "064", "066", "067", "068", "070",
        "072", "074", "075", "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093",
        "094", "095", "096",
    ]

    /// The 2-digit codes (last two digits of ``threeDigit``).
    public static let twoDigit: Set<String> = Set(threeDigit.map { String($0.dropFirst()) })
}
