import Messages

/// Encodes a canonical visit for the e-health book: `{"citizenId": "...", "visit": {16 fields}}`
/// (sorted keys), keyed by the citizen's 12-digit personal ID, which is also the health ID.
public struct HealthBookEncoder: OutboundEncoder {
    /// Creates the encoder.
    public init() {}

    /// Encodes one visit.
    ///
    /// - Throws: ``HealthBookError/noCitizenID`` when `SO_CCCD` is not a 12-digit ID that passes the
    ///   checks of DOMAIN.md §1 (such visits go to BHXH only); ``HealthBookError/notAVisit(_:)`` when
    ///   the body is not a canonical visit.
    public func encode(_ message: CanonicalMessage) throws -> OutboundPayload {
        let record: VisitRecord
        do {
            record = try VisitRecord(canonicalBody: message.body)
        } catch {
            throw HealthBookError.notAVisit(error.detail)
        }
        let id = record["SO_CCCD"]
        guard CitizenID.isValid(id, birth: record["NGAY_SINH"], sex: record["GIOI_TINH"]) else {
            throw HealthBookError.noCitizenID
        }
        let body = CanonicalJSON.object([
            "citizenId": .string(id),
            "visit": .object(record.fields.mapValues { .string($0) }),
        ]).bytes
        return OutboundPayload(contentType: "application/json", body: body)
    }
}
