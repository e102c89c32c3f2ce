import Foundation
import Messages

/// Readers for charges, penalties and execution status (criminal-record information,
/// Law 28/2009 Art. 2(2); penalty kinds from Penal Code 2015 Art. 32).
enum JudicialOffences {
    /// Main penalties, Penal Code Art. 32(1).
    static let mainPenaltyTypes = [
        "warning", "fine", "non_custodial_reform", "expulsion", "imprisonment", "life_imprisonment", "death",
    ]
    /// Additional penalties, Penal Code Art. 32(2).
    static let additionalPenaltyTypes = [
        "ban_from_office", "residence_ban", "supervision", "deprivation_of_rights", "confiscation", "fine", "expulsion",
    ]
    /// Execution status of the sentence (tình trạng thi hành án).
    static let executionStatuses = ["not_started", "serving", "completed", "postponed", "suspended", "exempted"]

    /// Reads `charges`: `[{name, article (1–426), clause?, point?}]`.
    ///
    /// - Parameter articleRequired: `false` for foreign convictions, whose charge may have no
    ///   Vietnamese Penal Code equivalent.
    static func charges(
        _ object: JudicialObject, key: String = "charges", required: Bool, articleRequired: Bool = true
    ) -> [[String: Any]]? {
        guard let items = object.objects(key, required: required, nonEmpty: required, maxCount: 50) else { return nil }
        return items.map { charge in
            charge.rejectUnknown(["name", "article", "clause", "point"])
            var value: [String: Any] = [:]
            value["name"] = charge.string("name", required: true, maxLength: 500)
            value["article"] = charge.integer("article", required: articleRequired, range: 1...426)
            value["clause"] = charge.integer("clause", required: false, range: 1...10)
            value["point"] = charge.formatted(
                "point", required: false, maxLength: 4, expected: "one lowercase letter a–z or đ"
            ) { text in text.unicodeScalars.count == 1 && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || $0 == "đ" } }
            return value
        }
    }

    /// Reads a main penalty `{type, months?, amountVnd?, suspended?, probationMonths?}`.
    static func mainPenalty(_ object: JudicialObject, key: String, required: Bool) -> [String: Any]? {
        guard let penalty = object.object(key, required: required) else { return nil }
        penalty.rejectUnknown(["type", "months", "amountVnd", "suspended", "probationMonths"])
        var value: [String: Any] = [:]
        let type = penalty.code("type", required: true, allowed: mainPenaltyTypes)
        value["type"] = type
        switch type {
        case "imprisonment":
            value["months"] = penalty.integer("months", required: true, range: 3...360)
            penalty.notApplicable("amountVnd", "only a fine has an amount")
        case "non_custodial_reform":
            value["months"] = penalty.integer("months", required: true, range: 6...36)
            penalty.notApplicable("amountVnd", "only a fine has an amount")
        case "fine":
            value["amountVnd"] = penalty.integer("amountVnd", required: true, range: 1_000_000...1_000_000_000_000)
            penalty.notApplicable("months", "a fine has no term")
        case .some:
            penalty.notApplicable("months", "\(type ?? "") has no term")
            penalty.notApplicable("amountVnd", "only a fine has an amount")
        case nil:
            break
        }
        if let suspended = penalty.bool("suspended") {
            if type == "imprisonment" {
                value["suspended"] = suspended
                if suspended {
                    if let months = value["months"] as? Int, months > 36 {
                        penalty.sink.add(penalty.field("suspended"), "not_applicable",
                                         "a prison term over 3 years cannot be suspended (Penal Code Art. 65)")
                    }
                    value["probationMonths"] = penalty.integer("probationMonths", required: true, range: 12...60)
                } else {
                    penalty.notApplicable("probationMonths", "probation belongs to a suspended sentence")
                }
            } else if type != nil {
                penalty.sink.add(penalty.field("suspended"), "not_applicable", "only imprisonment can be suspended")
            }
        } else {
            penalty.notApplicable("probationMonths", "probation belongs to a suspended sentence")
        }
        return value
    }

    /// Reads `additionalPenalties`: `[{type, months?, amountVnd?, detail?}]`.
    static func additionalPenalties(_ object: JudicialObject, key: String = "additionalPenalties") -> [[String: Any]]? {
        guard let items = object.objects(key, required: false, maxCount: 20) else { return nil }
        return items.map { penalty in
            penalty.rejectUnknown(["type", "months", "amountVnd", "detail"])
            var value: [String: Any] = [:]
            let type = penalty.code("type", required: true, allowed: additionalPenaltyTypes)
            value["type"] = type
            if type == "fine" {
                value["amountVnd"] = penalty.integer("amountVnd", required: true, range: 1_000_000...1_000_000_000_000)
                penalty.notApplicable("months", "a fine has no term")
            } else {
                value["months"] = penalty.integer("months", required: false, range: 1...120)
                penalty.notApplicable("amountVnd", "only a fine has an amount")
            }
            value["detail"] = penalty.string("detail", required: false, maxLength: 500)
            return value
        }
    }
}
