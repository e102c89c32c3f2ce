import Foundation
import Messages

/// The pure pieces of the BHXH assessment portal protocol (DOMAIN.md §5.2–5.3): paths, the token
/// request, the headers, and reading answers into a delivery outcome. No I/O here.
public enum SocialSecurityProtocol {
    /// Token endpoint (form-urlencoded `username`, `password` = uppercase MD5 hex).
    public static let tokenPath = "/api/token/take"
    /// QĐ 130/4750 claim endpoint (`loaiHoSo=130`).
    public static let claimPath = "/api/qd130/guiHoSoXmlQD4750"
    /// QĐ 4750 check-in endpoint (`loaiHoSo=0`).
    public static let checkinPath = "/api/qd130/checkInKcbQd4750"

    /// The token request body: `username=...&password=<MD5 uppercase hex>`.
    public static func tokenRequestBody(username: String, password: String) -> [UInt8] {
        FormURLEncoding.encode([("username", username), ("password", MD5.uppercaseHex(password))])
    }

    /// The headers a claim or check-in post carries: `accessToken`, `tokenId`, `passwordHash`.
    public static func authorizationHeaders(token: SocialSecurityToken, passwordHash: String) -> [(String, String)] {
        [("accessToken", token.accessToken), ("tokenId", token.idToken), ("passwordHash", passwordHash)]
    }

    /// Reads the token answer `{maKetQua, APIKey: {access_token, id_token, token_type, username, expires_in}}`.
    ///
    /// `expires_in` is read as a UTC timestamp (ISO 8601, with or without zone) or, if it is a number,
    /// as seconds from `now`.
    /// - Throws: ``SocialSecurityProtocolError`` if the answer is not a successful token.
    public static func parseToken(_ body: [UInt8], now: Date = Date()) throws(SocialSecurityProtocolError) -> SocialSecurityToken {
        guard let object = jsonObject(body) else { throw SocialSecurityProtocolError(detail: "token answer is not JSON") }
        let code = text(object["maKetQua"])
        guard code == "200" else { throw SocialSecurityProtocolError(detail: "token refused: maKetQua \(code)") }
        guard let key = object["APIKey"] as? [String: Any], !text(key["access_token"]).isEmpty else {
            throw SocialSecurityProtocolError(detail: "token answer has no APIKey.access_token")
        }
        return SocialSecurityToken(
            accessToken: text(key["access_token"]), idToken: text(key["id_token"]), tokenType: text(key["token_type"]),
            username: text(key["username"]), expiresAt: expiry(key["expires_in"], now: now))
    }

    /// Reads a claim or check-in answer, or nil if it is not one.
    public static func parseAnswer(_ body: [UInt8]) -> SocialSecurityAnswer? {
        guard let object = jsonObject(body), object["maKetQua"] != nil else { return nil }
        return SocialSecurityAnswer(
            resultCode: text(object["maKetQua"]), transactionId: text(object["maGiaoDich"]),
            receivedAt: text(object["thoiGianTiepNhan"]), message: text(object["thongDiep"]))
    }

    /// Decides what a portal exchange means for delivery.
    ///
    /// HTTP first: 401 → retry with a new token; 408/425/429/5xx → retry; other non-2xx → dead letter.
    /// Then `maKetQua`: `200` → delivered; `401` → retry with a new token; `100`/`101`/`500`/`503`
    /// (portal read or server error) → retry; anything else (e.g. `403` not permitted, `205` bad
    /// parameter format) → dead letter with ``meaning(of:)``. A 2xx without a readable answer is
    /// retried: the portal has not said it accepted anything.
    public static func outcome(httpStatus: Int, body: [UInt8]) -> SocialSecurityOutcome {
        switch httpStatus {
        case 200..<300: break
        case 401: return .retry(reason: "HTTP 401", refreshToken: true)
        case 408, 425, 429, 500..<600: return .retry(reason: "HTTP \(httpStatus)", refreshToken: false)
        default: return .deadLetter(reason: "HTTP \(httpStatus)")
        }
        guard let answer = parseAnswer(body) else { return .retry(reason: "unreadable answer", refreshToken: false) }
        let reason = "maKetQua \(answer.resultCode): \(meaning(of: answer.resultCode))"
            + (answer.message.isEmpty ? "" : " (\(answer.message))")
        switch answer.resultCode {
        case "200": return .delivered(transactionId: answer.transactionId, receivedAt: answer.receivedAt)
        case "401": return .retry(reason: reason, refreshToken: true)
        case "100", "101", "500", "503": return .retry(reason: reason, refreshToken: false)
        default: return .deadLetter(reason: reason)
        }
    }

    /// What a BHXH result code means (DOMAIN.md §5.2 answers and the §5.3 card-lookup table).
    public static func meaning(of code: String) -> String {
        switch code {
        case "200": "accepted"
        case "000": "card data correct"
        case "001": "card managed by the BHXH of the Ministry of Defence"
        case "002": "card managed by the BHXH of Public Security"
        case "003": "old card expired; new card issued"
        case "004": "old card still valid; new card issued"
        case "010": "card expired"
        case "050": "no card information"
        case "051": "wrong card number"
        case "052": "wrong issuing-province code"
        case "053": "wrong benefit code"
        case "054": "clerk's CCCD not registered by the facility"
        case "055": "clerk's name does not match the CCCD"
        case "060", "061": "wrong name"
        case "070": "wrong date of birth"
        case "100": "error reading card data"
        case "101", "500", "503": "portal server error"
        case "110": "card revoked"
        case "120": "card reported reduced"
        case "121": "card reduced: moved to another province"
        case "122": "card reduced: moved within the province"
        case "123": "card reduced: re-enrolled with the same unit"
        case "124": "card reduced: stopped participating"
        case "130": "child without a card"
        case "205": "bad parameter format"
        case "401": "authentication error"
        case "403": "not permitted"
        default: "unknown result code"
        }
    }

    private static func jsonObject(_ body: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    /// A JSON value as text: strings as they are, numbers in decimal, anything else empty.
    private static func text(_ value: Any?) -> String {
        if let string = value as? String { return string }
        if let number = value as? NSNumber { return number.stringValue }
        return ""
    }

    private static func expiry(_ value: Any?, now: Date) -> Date? {
        if let number = value as? NSNumber { return now.addingTimeInterval(number.doubleValue) }
        guard let string = value as? String, !string.isEmpty else { return nil }
        if let seconds = Double(string) { return now.addingTimeInterval(seconds) }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: string) { return date }
        formatter.formatOptions = [.withFullDate, .withTime, .withDashSeparatorInDate, .withColonSeparatorInTime]
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        return formatter.date(from: string)
    }
}
