import Agencies
import Foundation
import HTTP
import HTTPCore
import Synchronization

/// The simulated BHXH assessment portal (DOMAIN.md §5.2): `api/token/take`, the QĐ 4750/130 claim
/// endpoint and the check-in endpoint, answering `maKetQua` / `maGiaoDich` / `thoiGianTiepNhan` as
/// the real portal does.
///
/// - Token: form-urlencoded or JSON `username` + `password` (uppercase MD5 hex of the account
///   password). With ``accounts`` `nil`, any user name with an MD5-shaped password is accepted.
/// - Claim / check-in: the token in the `accessToken` + `tokenId` headers (or the legacy `token` /
///   `id_token` query); missing, unknown or expired → HTTP 401 `maKetQua` 401. The form's
///   `fileHSBase64` is decoded; a claim must be a `GIAMDINHHS` envelope whose `SOLUONGHOSO` equals
///   its `HOSO` count and whose every `HOSO` has an XML1; anything wrong → `maKetQua` 205.
/// - Idempotent per `Idempotency-Key`: a retry gets the first answer (same `maGiaoDich`).
///
/// Paths are matched by their last segment, so the portal answers under any base path
/// (`/api/token/take`, `/api/egw/api/token/take`, ...). Control over HTTP, besides the
/// ``DestinationSimulator`` ones: `POST /_control/portal-fail?code=503&count=n` (a portal-level
/// error answer with HTTP 200), `POST /_control/expire-tokens`, `POST /_control/token-lifetime?seconds=s`.
public final class SocialSecuritySimulator: Sendable {
    private struct IssuedToken {
        var idToken: String
        var username: String
        var expiresAt: Date
    }

    private struct State {
        var tokens: [String: IssuedToken] = [:]
        var tokensIssued = 0
        var tokenLifetime: Duration
        var portalFailureCode = "503"
        var portalFailuresRemaining = 0
        var receipts: [String: PortalReceipt] = [:]
        var order: [String] = []
        var sequence = 0
    }

    /// The HTTP side: recorder, HTTP-level faults (`fail`, `mode`).
    public let server: DestinationSimulator
    /// Accepted accounts, user name → plain password; `nil` accepts any user with an MD5-shaped password.
    public let accounts: [String: String]?
    private let state: Mutex<State>

    /// Creates the portal; nothing listens until ``start()``.
    ///
    /// - Parameters:
    ///   - tls: Server TLS; `nil` for plain HTTP.
    ///   - port: The port; 0 picks a free one.
    ///   - accounts: Accepted accounts (user name → password), or `nil` to accept any.
    ///   - tokenLifetime: How long an issued token is valid.
    public init(
        tls: TLSConfiguration? = nil,
        port: Int = 0,
        accounts: [String: String]? = nil,
        tokenLifetime: Duration = .seconds(3600)
    ) {
        server = DestinationSimulator(tls: tls, port: port, loops: 1, maxBodyBytes: 64 * 1_048_576)
        self.accounts = accounts
        state = Mutex(State(tokenLifetime: tokenLifetime))
        server.route(prefix: "/") { [weak self] request, recorded in
            guard let self else { return SimulatorJSON.problem(503, "portal stopped") }
            return self.handle(request, recorded: recorded)
        }
        server.controlRoute("/_control/portal-fail") { [weak self] request in
            let query = SimulatorJSON.query(request)
            self?.failPortal(code: query["code"] ?? "503", count: query["count"].flatMap(Int.init) ?? 1)
            return HTTPResponse(status: 204)
        }
        server.controlRoute("/_control/expire-tokens") { [weak self] _ in
            self?.expireTokens()
            return HTTPResponse(status: 204)
        }
        server.controlRoute("/_control/token-lifetime") { [weak self] request in
            guard let seconds = SimulatorJSON.query(request)["seconds"].flatMap(Int.init), seconds >= 0 else {
                return SimulatorJSON.problem(400, "seconds must be a whole number ≥ 0")
            }
            self?.tokenLifetime = .seconds(seconds)
            return HTTPResponse(status: 204)
        }
        server.controlRoute("/_control/reset") { [weak self] _ in
            self?.reset()
            return nil  // the built-in reset then clears the recorder and HTTP faults
        }
    }

    /// Starts listening.
    ///
    /// - Throws: The server's error if it cannot bind or load its TLS files.
    public func start() throws { try server.start() }

    /// Stops listening.
    public func shutdown() { server.shutdown() }

    /// The bound port (after ``start()``).
    public var port: Int { server.port }

    /// `http://127.0.0.1:<port>` or `https://localhost:<port>`.
    public var baseURL: String { server.baseURL }

    // MARK: - Control

    /// How long tokens issued from now on are valid.
    public var tokenLifetime: Duration {
        get { state.withLock { $0.tokenLifetime } }
        set { state.withLock { $0.tokenLifetime = newValue } }
    }

    /// Expires every token issued so far: the next claim with one gets HTTP 401.
    public func expireTokens() {
        state.withLock { state in
            for key in state.tokens.keys { state.tokens[key]?.expiresAt = .distantPast }
        }
    }

    /// Answers the next `count` claims and check-ins (all while negative) with HTTP 200 and
    /// `maKetQua` = `code`: `500`/`503`/`101` mean "retry", `205`/`403` mean "rejected".
    public func failPortal(code: String, count: Int = 1) {
        state.withLock { state in
            state.portalFailureCode = code
            state.portalFailuresRemaining = count
        }
    }

    /// Normal answers again: no portal or HTTP failures. Tokens and receipts are kept.
    public func heal() {
        state.withLock { $0.portalFailuresRemaining = 0 }
        server.heal()
    }

    /// Forgets tokens, receipts and failures (the recorder is the ``server``'s).
    public func reset() {
        state.withLock { state in state = State(tokenLifetime: state.tokenLifetime) }
    }

    // MARK: - Records

    /// Every accepted submission, in order of acceptance.
    public var receipts: [PortalReceipt] {
        state.withLock { state in state.order.compactMap { state.receipts[$0] } }
    }

    /// The accepted submission with this `Idempotency-Key`.
    public func receipt(key: String) -> PortalReceipt? { state.withLock { $0.receipts[key] } }

    /// Tokens issued so far.
    public var tokensIssued: Int { state.withLock { $0.tokensIssued } }

    // MARK: - Handling

    private func handle(_ request: HTTPRequest, recorded: RecordedRequest) -> HTTPResponse {
        let path = request.path
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        guard request.method == "POST" else { return SimulatorJSON.methodNotAllowed("POST") }
        if path.hasSuffix("/token/take") { return token(request) }
        switch last {
        case "guiHoSoXmlQD4750", "guiHoSoXmlQD130", "guiHoSoXmlQD3176": return submit(request, kind: .claim)
        case "checkInKcbQd4750", "checkInKcbQd3176": return submit(request, kind: .checkin)
        default: return SimulatorJSON.problem(404, "no portal endpoint \(path)")
        }
    }

    private func token(_ request: HTTPRequest) -> HTTPResponse {
        let fields: [String: String]
        switch request.mediaType {
        case "application/x-www-form-urlencoded":
            guard let pairs = FormURLEncoding.decode(request.body) else { return answer("205", "malformed form body") }
            fields = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        case "application/json":
            guard let object = SimulatorJSON.object(request.body) else { return answer("205", "malformed JSON body") }
            fields = object.mapValues(SimulatorJSON.text)
        default:
            return SimulatorJSON.problem(415, "send application/x-www-form-urlencoded or application/json")
        }
        let username = fields["username"] ?? ""
        let password = fields["password"] ?? ""
        guard !username.isEmpty, !password.isEmpty else { return answer("205", "username and password are required") }
        guard credentialsValid(username: username, passwordHash: password) else {
            return answer("401", "Sai tên đăng nhập hoặc mật khẩu")
        }
        let access = SimulatorJSON.randomHex(bytes: 24)
        let id = SimulatorJSON.randomHex(bytes: 16)
        let expiresAt = state.withLock { state -> Date in
            let lifetime = state.tokenLifetime.components
            let seconds = Double(lifetime.seconds) + Double(lifetime.attoseconds) / 1e18
            let expiresAt = Date().addingTimeInterval(seconds)
            state.tokens[access] = IssuedToken(idToken: id, username: username, expiresAt: expiresAt)
            state.tokensIssued += 1
            return expiresAt
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var json = JSONWriter()
        json.object { o in
            o.field("maKetQua", "200")
            o.object("APIKey") { key in
                key.field("access_token", access)
                key.field("id_token", id)
                key.field("token_type", "Bearer")
                key.field("username", username)
                key.field("expires_in", formatter.string(from: expiresAt))
            }
        }
        return HTTPResponse.json(200, json.bytes)
    }

    private func credentialsValid(username: String, passwordHash: String) -> Bool {
        guard let accounts else {
            let hex = passwordHash.utf8.allSatisfy { byte in
                (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte)
            }
            return hex && passwordHash.utf8.count == 32
        }
        guard let password = accounts[username] else { return false }
        return MD5.uppercaseHex(password) == passwordHash.uppercased()
    }

    private func submit(_ request: HTTPRequest, kind: PortalReceipt.Kind) -> HTTPResponse {
        let query = SimulatorJSON.query(request)
        let access = request.headers["accessToken"] ?? query["token"] ?? ""
        let id = request.headers["tokenId"] ?? query["id_token"] ?? ""
        let now = Date()
        let tokenCheck = state.withLock { state -> (ok: Bool, failure: String?, username: String) in
            guard let token = state.tokens[access], token.idToken == id else { return (false, nil, "") }
            guard token.expiresAt > now else { return (false, nil, "") }
            var failure: String?
            if state.portalFailuresRemaining != 0 {
                if state.portalFailuresRemaining > 0 { state.portalFailuresRemaining -= 1 }
                failure = state.portalFailureCode
            }
            return (true, failure, token.username)
        }
        guard tokenCheck.ok else {
            let detail = access.isEmpty ? "Thiếu accessToken" : "Token không hợp lệ hoặc đã hết hạn"
            return answer("401", detail, httpStatus: 401)
        }
        if let accounts, let password = accounts[tokenCheck.username],
            (request.headers["passwordHash"] ?? "").uppercased() != MD5.uppercaseHex(password)
        {
            return answer("401", "passwordHash không khớp", httpStatus: 401)
        }
        if let code = tokenCheck.failure { return answer(code, "simulated portal error") }
        let key = SimulatorJSON.key(request)
        if !key.isEmpty, let earlier = receipt(key: key) { return accepted(earlier) }
        guard request.mediaType == "application/x-www-form-urlencoded", let pairs = FormURLEncoding.decode(request.body)
        else { return answer("205", "body must be application/x-www-form-urlencoded") }
        let form = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        for name in ["username", "loaiHoSo", "maTinh", "maCSKCB", "fileHSBase64"] where (form[name] ?? "").isEmpty {
            return answer("205", "thiếu tham số \(name)")
        }
        let facility = form["maCSKCB"] ?? ""
        guard form["maTinh"] == String(facility.prefix(2)) else {
            return answer("205", "maTinh phải là 2 ký tự đầu của maCSKCB")
        }
        let expectedKind = kind == .claim ? "130" : "0"
        guard form["loaiHoSo"] == expectedKind else { return answer("205", "loaiHoSo phải là \(expectedKind)") }
        guard let document = Base64.decode(form["fileHSBase64"] ?? "", maxOutput: 64 * 1_048_576) else {
            return answer("205", "fileHSBase64 không phải base64")
        }
        let visitKeys: [String]
        switch kind == .claim ? claimKeys(document, facility: facility) : checkinKeys(document) {
        case .success(let keys): visitKeys = keys
        case .failure(let problem): return answer("205", problem.message)
        }
        let receipt = state.withLock { state -> PortalReceipt in
            if !key.isEmpty, let earlier = state.receipts[key] { return earlier }
            state.sequence += 1
            let stamp = SimulatorJSON.vietnamTimestamp(now)
            let receipt = PortalReceipt(
                key: key, kind: kind, transactionId: "GD\(stamp)\(String(format: "%06d", state.sequence))",
                receivedAt: stamp, username: form["username"] ?? "", facilityCode: facility, visitKeys: visitKeys,
                document: document)
            let slot = key.isEmpty ? "#\(state.sequence)" : key
            state.receipts[slot] = receipt
            state.order.append(slot)
            return receipt
        }
        return accepted(receipt)
    }

    private struct FormProblem: Error {
        var message: String
    }

    private func claimKeys(_ document: [UInt8], facility: String) -> Result<[String], FormProblem> {
        let envelope: ClaimEnvelope
        do {
            envelope = try GIAMDINHHSParser().parse(document)
        } catch {
            return .failure(FormProblem(message: "GIAMDINHHS không hợp lệ: \(error.detail)"))
        }
        guard let declared = Int(envelope.declaredCount) else {
            return .failure(FormProblem(message: "SOLUONGHOSO phải là số, nhận \"\(envelope.declaredCount)\""))
        }
        guard declared == envelope.records.count, declared > 0 else {
            return .failure(FormProblem(message: "SOLUONGHOSO \(declared) khác số HOSO \(envelope.records.count)"))
        }
        guard envelope.facilityCode == facility else {
            return .failure(FormProblem(message: "MACSKCB \(envelope.facilityCode) khác maCSKCB \(facility)"))
        }
        var keys: [String] = []
        for (index, files) in envelope.records.enumerated() {
            guard let xml1 = files.first(where: { $0.kind == "XML1" })?.content else {
                return .failure(FormProblem(message: "HOSO \(index + 1) thiếu XML1"))
            }
            guard let table = try? StrictXMLParser().parse(xml1) else {
                return .failure(FormProblem(message: "HOSO \(index + 1): XML1 không hợp lệ"))
            }
            keys.append(VisitRecord.normalise(table.child("MA_LK")?.text ?? ""))
        }
        return .success(keys)
    }

    private func checkinKeys(_ document: [UInt8]) -> Result<[String], FormProblem> {
        guard let root = try? StrictXMLParser().parse(document), root.name == "CHI_TIEU_TRANG_THAI_KCB" else {
            return .failure(FormProblem(message: "XML0 phải là CHI_TIEU_TRANG_THAI_KCB"))
        }
        let entries = root.child("DSACH_TRANG_THAI_KCB")?.children(named: "TRANG_THAI_KCB") ?? []
        guard !entries.isEmpty else { return .failure(FormProblem(message: "XML0 không có TRANG_THAI_KCB")) }
        return .success(entries.map { VisitRecord.normalise($0.child("MA_LK")?.text ?? "") })
    }

    private func accepted(_ receipt: PortalReceipt) -> HTTPResponse {
        var json = JSONWriter()
        json.object { o in
            o.field("maKetQua", "200")
            o.field("maGiaoDich", receipt.transactionId)
            o.field("thoiGianTiepNhan", receipt.receivedAt)
            o.field("thongDiep", "Tiếp nhận thành công \(receipt.visitKeys.count) hồ sơ")
        }
        return HTTPResponse.json(200, json.bytes)
    }

    private func answer(_ code: String, _ message: String, httpStatus: Int = 200) -> HTTPResponse {
        var json = JSONWriter()
        json.object { o in
            o.field("maKetQua", code)
            o.field("maGiaoDich", "")
            o.field("thoiGianTiepNhan", SimulatorJSON.vietnamTimestamp(Date()))
            o.field("thongDiep", message)
        }
        return HTTPResponse.json(httpStatus, json.bytes)
    }
}
