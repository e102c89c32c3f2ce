import Agencies
import Foundation
import Messages
import Testing

@Suite struct IdentityComparisonTests {
    typealias S = JudicialTestSupport

    let lan = PopulationRecord(
        citizenId: "001303012345", fullName: "Nguyễn Thị Lan", dateOfBirth: "2003-03-15", sex: "female",
        residenceProvince: "01")

    private func query(name: String = "Nguyễn Thị Lan", dob: String = "2003-03-15", sex: String? = "female") -> IdentityQuery {
        IdentityQuery(citizenId: "001303012345", fullName: name, dateOfBirth: dob, sex: sex)
    }

    @Test func sameIdentityMatches() {
        #expect(IdentityComparison.compare(query(), lan) == .match)
    }

    @Test func eachDifferingFieldIsNamed() {
        guard case .mismatch(let fields, let reason) = IdentityComparison.compare(query(name: "Nguyễn Thị Lành"), lan) else {
            Issue.record("expected a mismatch")
            return
        }
        #expect(fields == ["fullName"])
        #expect(reason.contains("fullName"))
        #expect(IdentityComparison.compare(query(dob: "2003-03-16"), lan)
            == .mismatch(fields: ["dateOfBirth"], reason: "dateOfBirth differs from the population database"))
        #expect(fieldsOf(IdentityComparison.compare(query(sex: "male"), lan)) == ["sex"])
        #expect(fieldsOf(IdentityComparison.compare(query(name: "Lan", dob: "2003-05-03", sex: "male"), lan))
            == ["fullName", "dateOfBirth", "sex"])
        var other = query()
        other.citizenId = "001303012346"
        #expect(fieldsOf(IdentityComparison.compare(other, lan)) == ["citizenId"])
    }

    @Test func namesCompareAfterNFCCaseAndWhitespace() {
        let decomposed = "Nguyễn Thị Lan".decomposedStringWithCanonicalMapping
        #expect(decomposed.unicodeScalars.count > "Nguyễn Thị Lan".unicodeScalars.count)
        #expect(IdentityComparison.compare(query(name: decomposed), lan) == .match)
        #expect(IdentityComparison.compare(query(name: "  NGUYỄN   thị\tLAN "), lan) == .match)
        var stored = lan
        stored.fullName = decomposed
        #expect(IdentityComparison.compare(query(), stored) == .match)
        // Diacritics are significant: Lân is not Lan.
        #expect(fieldsOf(IdentityComparison.compare(query(name: "Nguyễn Thị Lân"), lan)) == ["fullName"])
        #expect(IdentityComparison.normalisedName("ĐẶNG  Thị Hoa") == "đặng thị hoa")
    }

    @Test func deceasedAndCancelledNeverMatch() {
        var dead = lan
        dead.status = .deceased
        guard case .mismatch(let fields, let reason) = IdentityComparison.compare(query(), dead) else {
            Issue.record("a deceased record must not match")
            return
        }
        #expect(fields == ["status"])
        #expect(reason.contains("deceased"))
        var cancelled = lan
        cancelled.status = .cancelled
        guard case .mismatch(let cancelledFields, let cancelledReason) = IdentityComparison.compare(
            query(name: "X"), cancelled)
        else {
            Issue.record("a cancelled record must not match")
            return
        }
        #expect(cancelledFields == ["fullName", "status"])
        #expect(cancelledReason.contains("cancelled"))
    }

    @Test func queryFromAdapterAndHospitalAttributes() {
        let judicial = IdentityQuery(attributes: [
            "citizen": "001303012345", "fullName": "Nguyễn Thị Lan", "dateOfBirth": "2003-03-15", "sex": "female",
        ])
        #expect(judicial == query())
        let hospital = IdentityQuery(attributes: [
            "citizen": "001303012345", "fullName": "Nguyễn Thị Lan", "dateOfBirth": "200303150000", "sex": "2",
        ])
        #expect(hospital == query())
        let unknownDay = IdentityQuery(attributes: [
            "citizen": "001303012345", "fullName": "Nguyễn Thị Lan", "dateOfBirth": "200300000000", "sex": "3",
        ])
        #expect(unknownDay == query(dob: "2003-00-00", sex: nil))
        if let unknownDay {
            #expect(IdentityComparison.compare(unknownDay, lan) == .match)
            var wrongYear = unknownDay
            wrongYear.dateOfBirth = "2004-00-00"
            #expect(fieldsOf(IdentityComparison.compare(wrongYear, lan)) == ["dateOfBirth"])
        }
        #expect(IdentityQuery(attributes: ["citizen": "001303012345", "fullName": "Lan", "dateOfBirth": "2003-03-15"]) == nil)
        #expect(IdentityQuery(attributes: [
            "citizen": "001303012345", "fullName": "Lan", "dateOfBirth": "15/03/2003", "sex": "female",
        ]) == nil)
        #expect(IdentityQuery(attributes: [
            "citizen": "001303012345", "fullName": "Lan", "dateOfBirth": "2003-03-15", "sex": "F",
        ]) == nil)
    }

    @Test func populationRecordDecoding() throws {
        let json = #"{"citizenId":"001303012345","fullName":"Nguyễn Thị Lan","dateOfBirth":"2003-03-15","sex":"female","residenceProvince":"01","status":"active"}"#
        #expect(try PopulationRecord.decode(Array(json.utf8)) == lan)
        let badDate = json.replacingOccurrences(of: "2003-03-15", with: "20030315")
        #expect(throws: PopulationRecordError.invalidField("dateOfBirth")) { try PopulationRecord.decode(Array(badDate.utf8)) }
        let badStatus = json.replacingOccurrences(of: "active", with: "missing")
        #expect(throws: PopulationRecordError.self) { try PopulationRecord.decode(Array(badStatus.utf8)) }
    }

    @Test func populationFixtureIsPlausible() throws {
        let records = try PopulationRecord.decodeFile(S.bytes("population", "citizens.json"))
        #expect(records.count >= 60)
        #expect(Set(records.map(\.citizenId)).count == records.count)
        for record in records {
            let problems = CitizenIDCheck.problems(
                record.citizenId, birthYear: Int(record.dateOfBirth.prefix(4)),
                sex: CitizenIDCheck.Sex(rawValue: record.sex), field: "citizenId")
            #expect(problems == [], "\(record.citizenId)")
            #expect(Provinces.isValid(record.residenceProvince))
        }
        let byId = Dictionary(uniqueKeysWithValues: records.map { ($0.citizenId, $0) })
        #expect(byId["001303012345"] == lan)
        for prefix in ["001", "046", "079"] {
            #expect(records.contains { $0.citizenId.hasPrefix(prefix) }, "\(prefix)")
        }
        let years = records.compactMap { Int($0.dateOfBirth.prefix(4)) }
        #expect(years.allSatisfy { (1900...2026).contains($0) })
        #expect(Set(records.map(\.sex)) == ["male", "female"])
        let decomposed = records.filter { !$0.fullName.unicodeScalars.elementsEqual($0.fullName.precomposedStringWithCanonicalMapping.unicodeScalars) }
        #expect(decomposed.count >= 3)
        #expect(records.contains { $0.status == .deceased } && records.contains { $0.status == .cancelled })
    }

    @Test func citizenIDCheckDomainExamples() {
        #expect(CitizenIDCheck.problems("001303012345", birthYear: 2003, sex: .female, field: "id") == [])
        #expect(CitizenIDCheck.problems("079185001234", birthYear: 1985, sex: .male, field: "id").map(\.code) == ["id_century_sex"])
        #expect(CitizenIDCheck.problems("003085001234", birthYear: 1985, sex: .male, field: "id").map(\.code) == ["id_province"])
        #expect(CitizenIDCheck.problems("086091000001", birthYear: 1991, sex: .male, field: "id") == [])
        #expect(CitizenIDCheck.problems("086191000001", birthYear: 1991, sex: .undetermined, field: "id") == [])
        #expect(CitizenIDCheck.problems("086291000001", birthYear: 1991, sex: .undetermined, field: "id").map(\.code)
            == ["id_century_sex"])
        #expect(CitizenIDCheck.problems("08609100001", birthYear: nil, sex: nil, field: "x.id")
            == [ValidationProblem(field: "x.id", code: "format", message: "a personal ID number is 12 digits")])
        #expect(CitizenIDCheck.problems("٠٨٦٠٩١٠٠٠٠٠١", birthYear: 1991, sex: .male, field: "id").map(\.code) == ["format"])
    }

    private func fieldsOf(_ verdict: IdentityVerdict) -> [String] {
        if case .mismatch(let fields, _) = verdict { return fields }
        return []
    }
}
