import Foundation
import Messages

/// Readers for the `convictions` and `banInfo` sections of a certificate, per certificate type.
enum JudicialConvictions {
    /// The statement "không có án tích" / "không bị cấm": written `"none"`.
    static let none = "none"

    /// Reads `convictions`: `"none"` or a non-empty list, validated for Phiếu số 1 or số 2.
    static func read(_ root: JudicialObject, type: Int?, issuedOn: JudicialDay) -> Any? {
        guard root.isPresent("convictions"), let raw = root.values["convictions"] else {
            root.require("convictions")
            return nil
        }
        if let text = raw as? String {
            guard text == none else {
                root.sink.add("convictions", "code_list", "write \"none\" or a list of convictions")
                return nil
            }
            return none
        }
        guard let items = root.objects("convictions", required: true, maxCount: 100) else { return nil }
        if items.isEmpty {
            root.sink.add("convictions", "format", "an empty list: write \"none\" when there is no conviction")
            return nil
        }
        return items.map { conviction(in: $0, type: type, issuedOn: issuedOn) }
    }

    private static func conviction(in item: JudicialObject, type: Int?, issuedOn: JudicialDay) -> [String: Any] {
        item.rejectUnknown([
            "judgmentNumber", "judgmentDate", "court", "charges", "mainPenalty", "additionalPenalties",
            "civilObligations", "courtFeeVnd", "executionStatus", "expunged", "expungedDate",
        ])
        let full = type == 2
        var value: [String: Any] = [:]
        value["judgmentNumber"] = item.formatted(
            "judgmentNumber", required: full, maxLength: 40, expected: "n/yyyy/SUFFIX, e.g. 15/2025/HSST"
        ) { JudicialText.isDocumentNumber($0, maxYear: issuedOn.year) }
        let judged = item.day("judgmentDate", required: full, notAfter: issuedOn)
        value["judgmentDate"] = judged?.description
        if let court = item.object("court", required: full) {
            court.rejectUnknown(["code", "name"])
            var courtValue: [String: Any] = [:]
            courtValue["code"] = court.formatted(
                "code", required: false, maxLength: 20, expected: "2–20 of A–Z, 0–9, '.', '_', '-'",
                JudicialText.isAgencyCode)
            courtValue["name"] = court.string("name", required: true)
            value["court"] = courtValue
        }
        value["charges"] = JudicialOffences.charges(item, required: true, articleRequired: full)
        value["mainPenalty"] = JudicialOffences.mainPenalty(item, key: "mainPenalty", required: true)
        value["additionalPenalties"] = JudicialOffences.additionalPenalties(item)

        let expunged = item.bool("expunged", required: full) ?? false
        if full {
            value["civilObligations"] = item.string("civilObligations", required: false, maxLength: 2000)
            value["courtFeeVnd"] = item.integer("courtFeeVnd", required: false, range: 0...1_000_000_000_000)
            value["executionStatus"] = item.code(
                "executionStatus", required: true, allowed: JudicialOffences.executionStatuses)
            value["expunged"] = expunged
            if expunged {
                let date = item.day("expungedDate", required: false, notAfter: issuedOn)
                if let date, let judged, date < judged {
                    item.sink.add(item.field("expungedDate"), "date_order", "expunged before the judgment date")
                }
                value["expungedDate"] = date?.description
            } else {
                item.notApplicable("expungedDate", "the conviction is not expunged")
            }
        } else if type == 1 {
            let reason = "Phiếu số 1 shows only charge, main and additional penalty (Art. 42)"
            for key in ["civilObligations", "courtFeeVnd", "executionStatus", "expungedDate"] {
                item.notApplicable(key, reason)
            }
            if expunged {
                item.sink.add(item.field("expunged"), "expunged_on_type1",
                              "Phiếu số 1 must not show an expunged conviction; it reads \"không có án tích\"")
            }
        }
        return value
    }

    /// Reads `banInfo`: `"none"` (không bị cấm) or a non-empty list of bans
    /// `{ban, decisionNumber, decisionDate, court?, fromDate?, months?}` (Art. 2(3)).
    static func banInfo(_ root: JudicialObject, issuedOn: JudicialDay) -> Any? {
        guard root.isPresent("banInfo"), let raw = root.values["banInfo"] else {
            root.sink.add("banInfo", "required", "Phiếu số 2 always states ban information")
            return nil
        }
        if let text = raw as? String {
            guard text == none else {
                root.sink.add("banInfo", "code_list", "write \"none\" or a list of bans")
                return nil
            }
            return none
        }
        guard let items = root.objects("banInfo", required: true, maxCount: 20) else { return nil }
        if items.isEmpty {
            root.sink.add("banInfo", "format", "an empty list: write \"none\" when there is no ban")
            return nil
        }
        return items.map { item -> [String: Any] in
            item.rejectUnknown(["ban", "decisionNumber", "decisionDate", "court", "fromDate", "months"])
            var value: [String: Any] = [:]
            value["ban"] = item.string("ban", required: true, maxLength: 500)
            value["decisionNumber"] = item.string("decisionNumber", required: true, maxLength: 50)
            let decided = item.day("decisionDate", required: true, notAfter: issuedOn)
            value["decisionDate"] = decided?.description
            if let court = item.object("court", required: false) {
                court.rejectUnknown(["code", "name"])
                var courtValue: [String: Any] = [:]
                courtValue["code"] = court.formatted(
                    "code", required: false, maxLength: 20, expected: "2–20 of A–Z, 0–9, '.', '_', '-'",
                    JudicialText.isAgencyCode)
                courtValue["name"] = court.string("name", required: true)
                value["court"] = courtValue
            }
            let from = item.day("fromDate", required: false)
            if let from, let decided, from < decided {
                item.sink.add(item.field("fromDate"), "date_order", "the ban starts before the decision")
            }
            value["fromDate"] = from?.description
            value["months"] = item.integer("months", required: false, range: 1...120)
            return value
        }
    }
}
