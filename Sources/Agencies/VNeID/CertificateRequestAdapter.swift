import Foundation
import Messages

/// Decodes `POST /v1/vneid/certificate-requests`: a citizen's request, filed on VNeID, for a
/// judicial-record certificate, Phiếu số 1 or số 2 (Law 28/2009 Art. 41–46). One JSON object or
/// an array of up to ``maxItems``.
///
/// Natural key `requestNumber`; business keys `citizen`, `request`; attributes
/// `residenceProvince` (which Department of Justice handles it), `citizen`, `fullName`,
/// `dateOfBirth`, `sex`, `certificateType` (`1` or `2`).
///
/// Phiếu số 2 needs the names of father, mother and spouse (`spouseName: null` = no spouse),
/// `requestedBy` `self` or `prosecuting_body`, and cannot be requested through a representative.
public struct CertificateRequestAdapter: InboundAdapter {
    /// `vneid.certificate-request`.
    public let messageType: MessageType = "vneid.certificate-request"
    /// Largest number of requests in one array.
    public let maxItems: Int
    private let now: @Sendable () -> Date

    /// Who may request each certificate type (Art. 41(1)(a) and (b)).
    public static let requesters: [Int: [String]] = [1: ["self", "organisation"], 2: ["self", "prosecuting_body"]]

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
        let (items, isBatch) = try JudicialJSON.items(body, contentType: contentType, maxItems: maxItems, noun: "requests")
        let instant = now()
        return DecodeResult(items: items.map { decodeOne($0, now: instant, sender: sender) }, isBatch: isBatch)
    }

    private func decodeOne(_ value: Any, now: Date, sender: SenderContext) -> DecodedItem {
        let sink = JudicialProblemSink()
        guard let root = JudicialObject.from(value, path: "", sink: sink) else { return .invalid(key: nil, sink.problems) }
        root.rejectUnknown([
            "requestNumber", "certificateType", "applicant", "purpose", "requestedBy", "viaRepresentative",
            "includeBanInfo", "submittedAt",
        ])
        let today = JudicialDay.today(at: now)
        var canonical: [String: Any] = [:]

        let requestNumber = root.formatted(
            "requestNumber", required: true, maxLength: 50, expected: "1–50 of letters, digits, '/', '.', '_', '-'",
            JudicialText.isReference)
        canonical["requestNumber"] = requestNumber
        let type = root.integer("certificateType", required: true, range: 1...2)
        canonical["certificateType"] = type

        var person = JudicialPerson()
        if let applicant = root.object("applicant", required: true) {
            let relatives: JudicialPerson.Relatives = type == 2 ? .required : type == 1 ? .forbidden : .optional
            person = JudicialPerson.read(applicant, residenceRequired: true, relatives: relatives, extended: true, today: today)
            canonical["applicant"] = person.canonical
        }
        canonical["purpose"] = root.string("purpose", required: true, maxLength: 500)

        let via = root.bool("viaRepresentative") ?? false
        canonical["viaRepresentative"] = via
        switch type {
        case 2:
            canonical["requestedBy"] = root.code("requestedBy", required: true, allowed: Self.requesters[2] ?? [])
            if via {
                sink.add("viaRepresentative", "representative_not_allowed",
                         "Phiếu số 2 cannot be requested through another person")
            }
            root.notApplicable("includeBanInfo", "Phiếu số 2 always includes ban information")
        case 1:
            canonical["requestedBy"] = root.code("requestedBy", required: false, allowed: Self.requesters[1] ?? []) ?? "self"
            canonical["includeBanInfo"] = root.bool("includeBanInfo") ?? false
        default:
            break
        }
        let submitted = root.timestamp("submittedAt", required: true, now: now)
        canonical["submittedAt"] = submitted?.text
        if let submitted, let born = person.dateOfBirth, JudicialDay.today(at: submitted.date) < born {
            sink.add("applicant.dateOfBirth", "date_order", "the applicant is born after the request was submitted")
        }

        guard sink.isEmpty, let requestNumber, let type, let citizen = person.citizenId else {
            return .invalid(key: requestNumber, sink.problems)
        }
        var attributes = person.attributes
        attributes["certificateType"] = String(type)
        return .valid(CanonicalMessage(
            type: messageType,
            sender: sender.agency,
            idempotencyKey: requestNumber,
            businessKeys: [BusinessKey(kind: "citizen", value: citizen), BusinessKey(kind: "request", value: requestNumber)],
            receivedAt: now,
            correlationId: sender.correlationId,
            body: JudicialJSON.canonical(canonical),
            attributes: attributes
        ))
    }
}
