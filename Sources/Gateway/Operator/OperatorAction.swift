/// What an operator request does; the roles matrix lives here, in one place.
///
/// | action          | viewer | operator | auditor |
/// |-----------------|--------|----------|---------|
/// | read log/stats  | masked | yes      | yes     |
/// | read a message  | masked | yes (logged `viewed`) | yes (logged `viewed`) |
/// | read a body     | no     | yes      | yes     |
/// | replay          | no     | yes      | no      |
/// | read the audit  | no     | no       | yes     |
/// | metrics         | yes    | yes      | yes     |
enum OperatorAction: String, Sendable {
    case readLog = "read the log"
    case readMessage = "read messages"
    case readBody = "read message bodies"
    case replay = "replay messages"
    case readStats = "read statistics"
    case readAudit = "read the audit trail"
    case readMetrics = "read metrics"

    /// Whether `role` may do this.
    func allows(_ role: GatewayConfig.Operator.Role) -> Bool {
        switch self {
        case .readLog, .readMessage, .readStats, .readMetrics: true
        case .readBody: role == .operator || role == .auditor
        case .replay: role == .operator
        case .readAudit: role == .auditor
        }
    }
}

extension GatewayConfig.Operator.Role {
    /// Whether this role sees personal data masked (``PersonalDataMask``).
    var seesMaskedData: Bool { self == .viewer }
}
