import Foundation
import Messages

/// Encodes an issued certificate (`judicial.certificate`) for VNeID, which shows it to the
/// citizen who filed the request:
///
/// ```json
/// {"certificate":{…canonical certificate…},"certificateNumber":"…","certificateType":2,
///  "issuedAt":"…","messageId":"…","requestNumber":"…"}
/// ```
///
/// The top-level copies let VNeID file the certificate under the request without reading it.
public struct VNeIDCertificateEncoder: OutboundEncoder {
    /// Creates the encoder.
    public init() {}

    /// Builds the VNeID certificate JSON.
    ///
    /// - Throws: ``JudicialEncodeError/unsupportedType(_:)`` for anything but
    ///   `judicial.certificate`; ``JudicialEncodeError/malformedBody`` when the body lacks the
    ///   certificate's fields.
    public func encode(_ message: CanonicalMessage) throws -> OutboundPayload {
        guard message.type == "judicial.certificate" else {
            throw JudicialEncodeError.unsupportedType(message.type.rawValue)
        }
        guard let certificate = (try? JSONSerialization.jsonObject(with: Data(message.body))) as? [String: Any],
            let number = certificate["certificateNumber"] as? String,
            let request = certificate["requestNumber"] as? String,
            let type = certificate["certificateType"] as? Int,
            let issuedAt = certificate["issuedAt"] as? String
        else { throw JudicialEncodeError.malformedBody }
        let envelope: [String: Any] = [
            "certificate": certificate,
            "certificateNumber": number,
            "certificateType": type,
            "issuedAt": issuedAt,
            "messageId": message.id.rawValue,
            "requestNumber": request,
        ]
        return OutboundPayload(contentType: "application/json", body: JudicialJSON.canonical(envelope))
    }
}
