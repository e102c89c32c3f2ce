/// The portal's answer to a claim or check-in post: `{maKetQua, maGiaoDich, thoiGianTiepNhan, thongDiep}`.
public struct SocialSecurityAnswer: Sendable, Equatable {
    /// `maKetQua` as text (`200` ok, `401`, `403`, ...).
    public var resultCode: String
    /// `maGiaoDich`: the transaction id to keep for reconciliation (the portal keeps results 60 days only).
    public var transactionId: String
    /// `thoiGianTiepNhan`, `yyyyMMddHHmmss`.
    public var receivedAt: String
    /// `thongDiep`, the portal's message.
    public var message: String

    /// Creates an answer.
    public init(resultCode: String, transactionId: String, receivedAt: String, message: String) {
        self.resultCode = resultCode
        self.transactionId = transactionId
        self.receivedAt = receivedAt
        self.message = message
    }
}
