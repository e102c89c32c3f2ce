import Foundation
@testable import Gateway
import HTTPCore
import Testing

@Suite struct OperatorQueryTests {
    @Test func timeArgumentsAcceptRFC3339DatesAndDurations() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(TimeArgument.parse("2026-12-03T10:00:00Z", now: now) == Date(timeIntervalSince1970: 1_796_292_000))
        #expect(TimeArgument.parse("2026-12-03T17:00:00+07:00", now: now) == Date(timeIntervalSince1970: 1_796_292_000))
        let fractional = try #require(TimeArgument.parse("2026-12-03T10:00:00.250Z", now: now))
        #expect(abs(fractional.timeIntervalSince1970 - 1_796_292_000.25) < 0.001)
        #expect(TimeArgument.parse("2026-12-03", now: now) == Date(timeIntervalSince1970: 1_796_256_000))
        #expect(TimeArgument.parse("15m", now: now) == now.addingTimeInterval(-900))
        #expect(TimeArgument.parse("7d", now: now) == now.addingTimeInterval(-7 * 86_400))
        #expect(TimeArgument.parse("yesterday", now: now) == nil)
        #expect(TimeArgument.parse("2026-13-03", now: now) == nil)
        #expect(TimeArgument.parse("m", now: now) == nil)
    }

    @Test func badParametersAreNamed() {
        func problemFields(_ query: [(String, String)]) -> [String] {
            guard case .failure(let problem) = LogQuery.parse(query) else { return [] }
            #expect(problem.status == 400)
            return problem.problems.map(\.field)
        }
        #expect(problemFields([("limit", "0")]) == ["limit"])
        #expect(problemFields([("limit", "1001")]) == ["limit"])
        #expect(problemFields([("since", "yesterday")]) == ["since"])
        #expect(problemFields([("citizen", "123")]) == ["citizen"])
        #expect(problemFields([("cursor", "-4")]) == ["cursor"])
        #expect(problemFields([("message", "nope")]) == ["message"])
        #expect(problemFields([("colour", "red")]) == ["colour"])
        #expect(problemFields([("since", "2026-12-03"), ("until", "2026-12-02")]) == ["until"])
        guard case .success(let query) = LogQuery.parse([("status", "dead-lettered"), ("limit", "5"), ("cursor", "42")])
        else {
            Issue.record("valid query refused")
            return
        }
        #expect(query.filter.event == "dead_lettered")
        #expect(query.limit == 5)
        #expect(query.cursor?.seq == 42)
    }
}
