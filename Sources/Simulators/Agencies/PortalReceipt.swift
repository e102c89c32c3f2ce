import Foundation

/// A submission the simulated BHXH portal accepted (`maKetQua` 200).
public struct PortalReceipt: Sendable, Equatable {
    /// What was submitted.
    public enum Kind: String, Sendable {
        /// A `GIAMDINHHS` claim (`guiHoSoXmlQD4750`).
        case claim
        /// An XML0 check-in (`checkInKcbQd4750`).
        case checkin
    }

    /// The request's `Idempotency-Key` (`""` when it had none).
    public var key: String
    /// Claim or check-in.
    public var kind: Kind
    /// `maGiaoDich`, unique per accepted submission (the same on an idempotent retry).
    public var transactionId: String
    /// `thoiGianTiepNhan`, `yyyyMMddHHmmss` (Vietnam time).
    public var receivedAt: String
    /// The portal account (`username` form field).
    public var username: String
    /// `maCSKCB`.
    public var facilityCode: String
    /// `MA_LK` of each record (claim: one per `HOSO`; check-in: per `TRANG_THAI_KCB`).
    public var visitKeys: [String]
    /// The decoded `fileHSBase64` document.
    public var document: [UInt8]
}
