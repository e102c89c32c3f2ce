import Foundation
import Messages

/// Decodes `POST /v1/courts/verdicts`: a court's criminal-record information (Law 28/2009 Art. 2(2),
/// 16) as one JSON verdict object or an array of up to ``maxItems``. Schema:
/// `Fixtures/court/verdict.schema.json`, described in `Sources/Agencies/Court/README.md`.
///
/// Natural key `court.code:number`; business keys `citizen`, `judgment` (the number, and
/// `refersTo` for later decisions), `court`; attributes `courtProvince`, `residenceProvince`,
/// `citizen`, `fullName`, `dateOfBirth`, `sex`. A court agency bound to a code in config (`code`) may post
/// only its own verdicts: another `court.code` is the problem `court_mismatch`.
public struct CourtVerdictAdapter: InboundAdapter {
    /// `court.verdict`.
    public let messageType: MessageType = "court.verdict"
    /// Largest number of verdicts in one array.
    public let maxItems: Int
    private let now: @Sendable () -> Date

    /// The verdict kinds: the first-instance judgment, then decisions that change or follow it.
    public static let kinds = [
        "judgment", "appeal", "cassation", "reopening", "commutation", "execution_completed", "expungement",
        "suspension",
    ]

    /// The number suffix each court-proceeding kind must carry (`15/2025/HSST`).
    public static let requiredSuffixes = [
        "judgment": "HSST", "appeal": "HSPT", "cassation": "HS-GĐT", "reopening": "HS-TT",
    ]

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
        let (items, isBatch) = try JudicialJSON.items(body, contentType: contentType, maxItems: maxItems, noun: "verdicts")
        let instant = now()
        return DecodeResult(items: items.map { decodeOne($0, now: instant, sender: sender) }, isBatch: isBatch)
    }

    private func decodeOne(_ value: Any, now: Date, sender: SenderContext) -> DecodedItem {
        let sink = JudicialProblemSink()
        guard let root = JudicialObject.from(value, path: "", sink: sink) else { return .invalid(key: nil, sink.problems) }
        root.rejectUnknown([
            "kind", "number", "date", "effectiveDate", "court", "person", "charges", "mainPenalty",
            "additionalPenalties", "civilObligations", "courtFeeVnd", "executionStatus", "refersTo",
        ])
        let today = JudicialDay.today(at: now)
        let maxYear = today.year + 1
        var canonical: [String: Any] = [:]

        let kind = root.code("kind", required: true, allowed: Self.kinds)
        canonical["kind"] = kind
        let number = root.formatted(
            "number", required: true, maxLength: 40, expected: "n/yyyy/SUFFIX, e.g. 15/2025/HSST (year 1990–\(maxYear))"
        ) { JudicialText.isDocumentNumber($0, maxYear: maxYear) }
        if let kind, let number, let suffix = Self.requiredSuffixes[kind], JudicialText.documentSuffix(number) != suffix {
            sink.add("number", "format", "a \(kind) is numbered n/yyyy/\(suffix)")
        }
        canonical["number"] = number

        let date = root.day("date", required: true, notAfter: today)
        let effective = root.day("effectiveDate", required: true, notAfter: today)
        if let date, let effective, effective < date {
            sink.add("effectiveDate", "date_order", "effectiveDate \(effective) is before the date \(date)")
        }
        canonical["date"] = date?.description
        canonical["effectiveDate"] = effective?.description

        var courtCode: String?
        var courtProvince: String?
        if let court = root.object("court", required: true) {
            court.rejectUnknown(["code", "name", "province"])
            courtCode = court.formatted(
                "code", required: true, maxLength: 20, expected: "2–20 of A–Z, 0–9, '.', '_', '-'",
                JudicialText.isAgencyCode)
            courtProvince = court.province("province", required: true)
            var value: [String: Any] = [:]
            if let courtCode, let own = sender.code, courtCode != own {
                sink.add("court.code", "court_mismatch", "this sender may only send verdicts of court \(own)")
            }
            value["code"] = courtCode
            value["name"] = court.string("name", required: true)
            value["province"] = courtProvince
            canonical["court"] = value
        }

        var person = JudicialPerson()
        if let object = root.object("person", required: true) {
            person = JudicialPerson.read(object, residenceRequired: true, relatives: .optional, extended: false, today: today)
            if let born = person.dateOfBirth, let date, born >= date {
                sink.add("person.dateOfBirth", "date_order", "the person is born on or after the date of the verdict")
            }
            canonical["person"] = person.canonical
        }

        let isProceeding = kind == "judgment" || kind == "appeal"
        canonical["charges"] = JudicialOffences.charges(root, required: isProceeding)
        canonical["mainPenalty"] = JudicialOffences.mainPenalty(
            root, key: "mainPenalty", required: isProceeding || kind == "commutation")
        canonical["additionalPenalties"] = JudicialOffences.additionalPenalties(root)
        canonical["civilObligations"] = root.string("civilObligations", required: false, maxLength: 2000)
        canonical["courtFeeVnd"] = root.integer("courtFeeVnd", required: isProceeding, range: 0...1_000_000_000_000)
        canonical["executionStatus"] = root.code("executionStatus", required: true, allowed: JudicialOffences.executionStatuses)

        var refersTo: String?
        if kind == "judgment" {
            root.notApplicable("refersTo", "a first-instance judgment refers to no earlier judgment")
        } else if kind != nil {
            refersTo = root.formatted(
                "refersTo", required: true, maxLength: 40, expected: "the number of the judgment changed, e.g. 15/2025/HSST"
            ) { JudicialText.isDocumentNumber($0, maxYear: maxYear) }
            if let refersTo, refersTo == number {
                sink.add("refersTo", "format", "a decision cannot refer to its own number")
            }
            canonical["refersTo"] = refersTo
        }

        let key = courtCode.flatMap { code in number.map { code + ":" + $0 } }
        guard sink.isEmpty, let key, let number, let courtCode, let courtProvince, let citizen = person.citizenId else {
            return .invalid(key: key, sink.problems)
        }
        var businessKeys = [
            BusinessKey(kind: "citizen", value: citizen),
            BusinessKey(kind: "judgment", value: number),
            BusinessKey(kind: "court", value: courtCode),
        ]
        if let refersTo { businessKeys.append(BusinessKey(kind: "judgment", value: refersTo)) }
        var attributes = person.attributes
        attributes["courtProvince"] = courtProvince
        return .valid(CanonicalMessage(
            type: messageType,
            sender: sender.agency,
            idempotencyKey: key,
            businessKeys: businessKeys,
            receivedAt: now,
            correlationId: sender.correlationId,
            body: JudicialJSON.canonical(canonical),
            attributes: attributes
        ))
    }
}
