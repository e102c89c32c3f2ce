@testable import Gateway
import Messages
import Testing

@Suite struct RouterTests {
    let provinces: Set<String> = ["doj-01", "doj-46", "doj-79", "ncjr", "healthbook", "bhxh"]

    @Test func visitWithCitizenGoesToBothAndWithoutOnlyToSocialSecurity() {
        let router = Router(
            rules: [
                RouteRule(type: "hospital.visit", conditions: [.present("citizen")], destinations: ["healthbook"],
                          steps: ["identity-check"]),
                RouteRule(type: "hospital.visit", destinations: ["bhxh"]),
            ],
            knownDestinations: provinces
        )
        let withID = router.route(type: "hospital.visit", attributes: ["citizen": "001303012345"])
        #expect(withID.destinations == [
            RoutedDestination(destination: "healthbook", steps: ["identity-check"]),
            RoutedDestination(destination: "bhxh"),
        ])
        let without = router.route(type: "hospital.visit", attributes: [:])
        #expect(without.destinations == [RoutedDestination(destination: "bhxh")])
    }

    @Test func verdictGoesToBothProvincesAndTheCentreOnceEach() {
        let router = Router(
            rules: [RouteRule(type: "court.verdict",
                              destinations: ["doj-{attr:courtProvince}", "doj-{attr:residenceProvince}", "ncjr"])],
            knownDestinations: provinces
        )
        let different = router.route(type: "court.verdict", attributes: ["courtProvince": "01", "residenceProvince": "46"])
        #expect(different.destinations.map(\.destination) == ["doj-01", "doj-46", "ncjr"])
        let same = router.route(type: "court.verdict", attributes: ["courtProvince": "01", "residenceProvince": "01"])
        #expect(same.destinations.map(\.destination) == ["doj-01", "ncjr"])
    }

    @Test func missingAttributeOrUnknownDestinationIsSkippedWithAReason() {
        let router = Router(
            rules: [RouteRule(type: "court.verdict", destinations: ["doj-{attr:residenceProvince}", "doj-{attr:courtProvince}"])],
            knownDestinations: provinces
        )
        let decision = router.route(type: "court.verdict", attributes: ["courtProvince": "99"])
        #expect(decision.destinations.isEmpty)
        #expect(decision.skipped.map(\.reason) == ["attribute residenceProvince missing", "no such destination"])
    }

    @Test func conditionsOnValues() {
        let rule = RouteRule(type: "test.note", conditions: [.oneOf("province", ["01", "79"]), .absent("citizen")],
                             destinations: ["bhxh"])
        #expect(rule.matches(type: "test.note", attributes: ["province": "79"]))
        #expect(!rule.matches(type: "test.note", attributes: ["province": "46"]))
        #expect(!rule.matches(type: "test.note", attributes: ["province": "01", "citizen": "x"]))
        #expect(!rule.matches(type: "court.verdict", attributes: ["province": "01"]))
    }
}
