import Messages

/// Encodes a canonical check-in as the BHXH check-in post (DOMAIN.md §5.2 row 3): the XML0 document
/// base64-encoded as `fileHSBase64`, form-urlencoded with `username`, `loaiHoSo=0`, `maTinh`, `maCSKCB`.
public struct SocialSecurityCheckinEncoder: OutboundEncoder {
    /// The facility's portal account name.
    public var username: String

    /// Creates the encoder.
    public init(username: String = "") { self.username = username }

    /// Encodes one check-in.
    ///
    /// - Throws: ``VisitRecordError`` if the body is not a canonical check-in.
    public func encode(_ message: CanonicalMessage) throws -> OutboundPayload {
        let record = try CheckinRecord(canonicalBody: message.body)
        let facility = record["MA_CSKCB"]
        let body = FormURLEncoding.encode([
            ("username", username),
            ("loaiHoSo", "0"),
            ("maTinh", String(facility.prefix(2))),
            ("maCSKCB", facility),
            ("fileHSBase64", Base64.encodeString(record.xml0Document)),
        ])
        return OutboundPayload(contentType: "application/x-www-form-urlencoded", body: body)
    }
}
