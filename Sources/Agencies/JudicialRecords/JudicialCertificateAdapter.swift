import Foundation
import Messages

/// Decodes `POST /v1/judicial/certificates`: a judicial-record certificate (Phiếu lý lịch tư pháp
/// số 1 or số 2, Law 28/2009 Art. 41–43) issued by a Department of Justice or the National Centre,
/// on its way to VNeID. One JSON object or an array of up to ``maxItems``.
///
/// Natural key `issuer.code:certificateNumber`; business keys `citizen`, `request` (links the
/// certificate to its ``CertificateRequestAdapter`` request), `certificate`; attributes
/// `citizen`, `fullName`, `dateOfBirth`, `sex`, `residenceProvince`, `issuerProvince`,
/// `certificateType`.
///
/// `convictions` is `"none"` (không có án tích) or a list. Phiếu số 1 lists only unexpunged
/// convictions with charge, main and additional penalty (an expunged one is
/// `expunged_on_type1`); Phiếu số 2 lists all of them with judgment date and number, court,
/// charge, article, penalties, civil obligation, court fee and execution status. `banInfo` is
/// required on Phiếu số 2 and optional (only when requested) on Phiếu số 1.
public struct JudicialCertificateAdapter: InboundAdapter {
    /// `judicial.certificate`.
    public let messageType: MessageType = "judicial.certificate"
    /// Largest number of certificates in one array.
    public let maxItems: Int
    private let now: @Sendable () -> Date

    /// Creates the adapter.
    ///
    /// - Parameters:
    ///   - maxItems: Largest array accepted (413 above it).
    ///   - now: The clock for "not in the future" checks; tests pin it.
    public init(maxItems: Int = 1000, now: @escaping @Sendable () -> Date = { Date() }) {
        self.maxItems = maxItems
        self.now = now
    }

    public func decode(_ body: [UInt8], contentType: String, sender: SenderContext) throws(DecodeFailure) -> DecodeResult {
        let (items, isBatch) = try JudicialJSON.items(
            body, contentType: contentType, maxItems: maxItems, noun: "certificates")
        let instant = now()
        return DecodeResult(items: items.map { decodeOne($0, now: instant, sender: sender) }, isBatch: isBatch)
    }

    private func decodeOne(_ value: Any, now: Date, sender: SenderContext) -> DecodedItem {
        let sink = JudicialProblemSink()
        guard let root = JudicialObject.from(value, path: "", sink: sink) else { return .invalid(key: nil, sink.problems) }
        root.rejectUnknown([
            "certificateNumber", "requestNumber", "certificateType", "issuedAt", "issuer", "person", "convictions",
            "banInfo",
        ])
        let today = JudicialDay.today(at: now)
        var canonical: [String: Any] = [:]

        let certificateNumber = root.string("certificateNumber", required: true, maxLength: 50)
        canonical["certificateNumber"] = certificateNumber
        let requestNumber = root.formatted(
            "requestNumber", required: true, maxLength: 50, expected: "1–50 of letters, digits, '/', '.', '_', '-'",
            JudicialText.isReference)
        canonical["requestNumber"] = requestNumber
        let type = root.integer("certificateType", required: true, range: 1...2)
        canonical["certificateType"] = type
        let issued = root.timestamp("issuedAt", required: true, now: now)
        canonical["issuedAt"] = issued?.text
        let issuedDay = issued.map { JudicialDay.today(at: $0.date) } ?? today

        var issuerCode: String?
        var issuerProvince: String?
        if let issuer = root.object("issuer", required: true) {
            issuer.rejectUnknown(["code", "name", "province"])
            issuerCode = issuer.formatted(
                "code", required: true, maxLength: 20, expected: "2–20 of A–Z, 0–9, '.', '_', '-'",
                JudicialText.isAgencyCode)
            // The National Centre issues too and has no province.
            issuerProvince = issuer.province("province", required: false)
            var value: [String: Any] = [:]
            value["code"] = issuerCode
            value["name"] = issuer.string("name", required: true)
            value["province"] = issuerProvince
            canonical["issuer"] = value
        }

        var person = JudicialPerson()
        if let object = root.object("person", required: true) {
            let relatives: JudicialPerson.Relatives = type == 2 ? .required : type == 1 ? .forbidden : .optional
            person = JudicialPerson.read(object, residenceRequired: true, relatives: relatives, extended: true, today: issuedDay)
            canonical["person"] = person.canonical
        }

        canonical["convictions"] = JudicialConvictions.read(root, type: type, issuedOn: issuedDay)
        if root.isPresent("banInfo") || type == 2 {
            canonical["banInfo"] = JudicialConvictions.banInfo(root, issuedOn: issuedDay)
        }

        let key = issuerCode.flatMap { code in certificateNumber.map { code + ":" + $0 } }
        guard sink.isEmpty, let key, let certificateNumber, let requestNumber, let type, let citizen = person.citizenId
        else { return .invalid(key: key, sink.problems) }
        var attributes = person.attributes
        attributes["issuerProvince"] = issuerProvince
        attributes["certificateType"] = String(type)
        return .valid(CanonicalMessage(
            type: messageType,
            sender: sender.agency,
            idempotencyKey: key,
            businessKeys: [
                BusinessKey(kind: "citizen", value: citizen),
                BusinessKey(kind: "request", value: requestNumber),
                BusinessKey(kind: "certificate", value: certificateNumber),
            ],
            receivedAt: now,
            correlationId: sender.correlationId,
            body: JudicialJSON.canonical(canonical),
            attributes: attributes
        ))
    }
}
