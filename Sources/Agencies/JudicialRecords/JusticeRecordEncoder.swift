import Foundation
import Messages

/// Encodes court verdicts, procuracy records and certificate requests for the Departments of
/// Justice and the National Centre for Judicial Records, in one envelope shape:
///
/// ```json
/// {"messageId":"…","receivedAt":"2026-12-03T18:49:36.123Z","record":{…canonical body…},
///  "sender":"court-hn","type":"court.verdict"}
/// ```
///
/// `record` is the stored canonical body byte for byte, so the receiver can recompute
/// ``CanonicalMessage/contentHash`` over it.
public struct JusticeRecordEncoder: OutboundEncoder {
    /// The message types this encoder accepts.
    public static let supportedTypes: Set<MessageType> = ["court.verdict", "procuracy.record", "vneid.certificate-request"]

    /// Creates the encoder.
    public init() {}

    /// Wraps the message in the envelope.
    ///
    /// - Throws: ``JudicialEncodeError/unsupportedType(_:)`` for other types;
    ///   ``JudicialEncodeError/malformedBody`` when the body is not a JSON object.
    public func encode(_ message: CanonicalMessage) throws -> OutboundPayload {
        guard Self.supportedTypes.contains(message.type) else {
            throw JudicialEncodeError.unsupportedType(message.type.rawValue)
        }
        guard (try? JSONSerialization.jsonObject(with: Data(message.body))) is [String: Any] else {
            throw JudicialEncodeError.malformedBody
        }
        var out: [UInt8] = []
        out.reserveCapacity(message.body.count + 200)
        out += Array("{\"messageId\":".utf8) + JudicialJSON.quoted(message.id.rawValue)
        out += Array(",\"receivedAt\":".utf8) + JudicialJSON.quoted(JudicialJSON.timestamp(message.receivedAt))
        out += Array(",\"record\":".utf8) + message.body
        out += Array(",\"sender\":".utf8) + JudicialJSON.quoted(message.sender)
        out += Array(",\"type\":".utf8) + JudicialJSON.quoted(message.type.rawValue)
        out.append(UInt8(ascii: "}"))
        return OutboundPayload(contentType: "application/json", body: out)
    }
}
