import Foundation
import Messages

/// Decodes `POST /v1/procuracy/records`: extracts of foreign judgments against Vietnamese citizens
/// that the Supreme People's Procuracy received through mutual legal assistance (Law 28/2009
/// Art. 17, 26(2)(c)). One JSON object or an array of up to ``maxItems``. Schema:
/// `Fixtures/procuracy/record.schema.json`.
///
/// Natural key `office.code:recordNumber`; business keys `citizen`, `record`, `judgment` (the
/// foreign judgment number); attributes `citizen`, `fullName`, `dateOfBirth`, `sex`,
/// `foreignCountry`, and `residenceProvince` when known (the National Centre opens the record
/// either way). An office bound to a code in config (`code`) may post only its own records: another
/// `office.code` is the problem `office_mismatch`.
public struct ProcuracyRecordAdapter: InboundAdapter {
    /// `procuracy.record`.
    public let messageType: MessageType = "procuracy.record"
    /// Largest number of records in one array.
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
        let (items, isBatch) = try JudicialJSON.items(body, contentType: contentType, maxItems: maxItems, noun: "records")
        let instant = now()
        return DecodeResult(items: items.map { decodeOne($0, now: instant, sender: sender) }, isBatch: isBatch)
    }

    private func decodeOne(_ value: Any, now: Date, sender: SenderContext) -> DecodedItem {
        let sink = JudicialProblemSink()
        guard let root = JudicialObject.from(value, path: "", sink: sink) else { return .invalid(key: nil, sink.problems) }
        root.rejectUnknown([
            "office", "recordNumber", "receivedDate", "foreignCountry", "foreignCourt", "foreignJudgmentNumber",
            "judgmentDate", "person", "charges", "penalty", "additionalPenalties",
        ])
        let today = JudicialDay.today(at: now)
        var canonical: [String: Any] = [:]

        var officeCode: String?
        if let office = root.object("office", required: true) {
            office.rejectUnknown(["code", "name"])
            officeCode = office.formatted(
                "code", required: true, maxLength: 20, expected: "2–20 of A–Z, 0–9, '.', '_', '-'",
                JudicialText.isAgencyCode)
            var value: [String: Any] = [:]
            if let officeCode, let own = sender.code, officeCode != own {
                sink.add("office.code", "office_mismatch", "this sender may only send records of office \(own)")
            }
            value["code"] = officeCode
            value["name"] = office.string("name", required: true)
            canonical["office"] = value
        }
        let recordNumber = root.formatted(
            "recordNumber", required: true, maxLength: 50, expected: "1–50 of letters, digits, '/', '.', '_', '-'",
            JudicialText.isReference)
        canonical["recordNumber"] = recordNumber

        let received = root.day("receivedDate", required: true, notAfter: today)
        let judged = root.day("judgmentDate", required: true, notAfter: today)
        if let received, let judged, received < judged {
            sink.add("receivedDate", "date_order", "receivedDate \(received) is before the judgment date \(judged)")
        }
        canonical["receivedDate"] = received?.description
        canonical["judgmentDate"] = judged?.description

        let country = root.formatted(
            "foreignCountry", required: true, maxLength: 8, expected: "an ISO 3166-1 alpha-2 code such as KR",
            JudicialCountries.isValid)
        if country == "VN" {
            sink.add("foreignCountry", "code_list", "a foreign conviction is by a court outside Việt Nam")
        }
        canonical["foreignCountry"] = country
        canonical["foreignCourt"] = root.string("foreignCourt", required: true, maxLength: 500)
        let foreignNumber = root.string("foreignJudgmentNumber", required: true, maxLength: 100)
        canonical["foreignJudgmentNumber"] = foreignNumber

        var person = JudicialPerson()
        if let object = root.object("person", required: true) {
            person = JudicialPerson.read(object, residenceRequired: false, relatives: .optional, extended: false, today: today)
            if let born = person.dateOfBirth, let judged, born >= judged {
                sink.add("person.dateOfBirth", "date_order", "the person is born on or after the judgment date")
            }
            canonical["person"] = person.canonical
        }
        canonical["charges"] = JudicialOffences.charges(root, required: true, articleRequired: false)
        canonical["penalty"] = JudicialOffences.mainPenalty(root, key: "penalty", required: true)
        canonical["additionalPenalties"] = JudicialOffences.additionalPenalties(root)

        let key = officeCode.flatMap { code in recordNumber.map { code + ":" + $0 } }
        guard sink.isEmpty, let key, let recordNumber, let foreignNumber, let country, let citizen = person.citizenId
        else { return .invalid(key: key, sink.problems) }
        var attributes = person.attributes
        attributes["foreignCountry"] = country
        return .valid(CanonicalMessage(
            type: messageType,
            sender: sender.agency,
            idempotencyKey: key,
            businessKeys: [
                BusinessKey(kind: "citizen", value: citizen),
                BusinessKey(kind: "record", value: recordNumber),
                BusinessKey(kind: "judgment", value: foreignNumber),
            ],
            receivedAt: now,
            correlationId: sender.correlationId,
            body: JudicialJSON.canonical(canonical),
            attributes: attributes
        ))
    }
}
