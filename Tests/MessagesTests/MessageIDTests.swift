import Foundation
import Messages
import Testing

@Suite struct MessageIDTests {
    @Test func idsAreTwentySixCharactersAndIncreaseWithinOneMillisecond() {
        let now = Date()
        var generator = MessageIDGenerator()
        let ids = (0..<1000).map { _ in generator.next(now: now) }
        #expect(ids.allSatisfy { $0.rawValue.count == 26 })
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
    }

    @Test func idsSortByTime() {
        var generator = MessageIDGenerator()
        let early = generator.next(now: Date(timeIntervalSince1970: 1_700_000_000))
        let late = generator.next(now: Date(timeIntervalSince1970: 1_700_000_001))
        #expect(early < late)
        #expect(early.milliseconds == 1_700_000_000_000)
    }

    @Test func parsingRejectsWrongShapes() {
        #expect(MessageID("01ARZ3NDEKTSV4RRFFQ69G5FAV") != nil)
        #expect(MessageID("01ARZ3NDEKTSV4RRFFQ69G5FA") == nil)
        #expect(MessageID("01ARZ3NDEKTSV4RRFFQ69G5FAU") == nil)  // U is not in Crockford base32
    }
}
