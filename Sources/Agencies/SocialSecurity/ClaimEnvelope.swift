/// A parsed `GIAMDINHHS` claim envelope (DOMAIN.md §5.1), values as written (trimmed).
public struct ClaimEnvelope: Sendable, Equatable {
    /// `THONGTINDONVI/MACSKCB`.
    public var facilityCode: String
    /// `THONGTINHOSO/NGAYLAP` (`yyyyMMdd`).
    public var createdOn: String
    /// `THONGTINHOSO/SOLUONGHOSO` as written.
    public var declaredCount: String
    /// One entry per `HOSO`, each the list of its `FILEHOSO`.
    public var records: [[ClaimFile]]

    /// Creates an envelope.
    public init(facilityCode: String, createdOn: String, declaredCount: String, records: [[ClaimFile]]) {
        self.facilityCode = facilityCode
        self.createdOn = createdOn
        self.declaredCount = declaredCount
        self.records = records
    }
}
