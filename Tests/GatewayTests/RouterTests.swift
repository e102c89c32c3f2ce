@testable import Gateway
import Messages
import Testing

@Suite struct RouterTests {
    typealias Route = GatewayConfig.Route
    let known: Set<String> = ["doj-01", "doj-46", "doj-79", "ncjr", "healthbook", "bhxh"]

    @Test func visitWithCitizenGoesToBothAndWithoutOnlyToSocialSecurity() {
        let router = MessageRouter(
            routes: [
                Route(type: "hospital.visit", destinations: [.destination("healthbook")],
                      condition: Route.Condition(attribute: "citizen", present: true), steps: [.identityCheck]),
                Route(type: "hospital.visit", destinations: [.destination("bhxh")], condition: nil, steps: []),
            ],
            knownDestinations: known
        )
        let withID = router.route(type: "hospital.visit", attributes: ["citizen": "001303012345"])
        #expect(withID.destinations == [
            RoutedDestination(destination: "healthbook", steps: [.identityCheck]),
            RoutedDestination(destination: "bhxh"),
        ])
        let without = router.route(type: "hospital.visit", attributes: [:])
        #expect(without.destinations == [RoutedDestination(destination: "bhxh")])
    }

    @Test func verdictGoesToBothProvincesAndTheCentreOnceEach() {
        let router = MessageRouter(
            routes: [Route(type: "court.verdict", destinations: [
                .perProvince(template: "doj-{province}", attribute: "courtProvince"),
                .perProvince(template: "doj-{province}", attribute: "residenceProvince"),
                .destination("ncjr"),
            ], condition: nil, steps: [])],
            knownDestinations: known
        )
        let different = router.route(type: "court.verdict", attributes: ["courtProvince": "01", "residenceProvince": "46"])
        #expect(different.destinations.map(\.destination) == ["doj-01", "doj-46", "ncjr"])
        let same = router.route(type: "court.verdict", attributes: ["courtProvince": "01", "residenceProvince": "01"])
        #expect(same.destinations.map(\.destination) == ["doj-01", "ncjr"])
    }

    @Test func missingAttributeIsSkippedWithAReason() {
        let router = MessageRouter(
            routes: [Route(type: "court.verdict", destinations: [
                .perProvince(template: "doj-{province}", attribute: "residenceProvince"),
                .destination("ncjr"),
            ], condition: nil, steps: [])],
            knownDestinations: known
        )
        let decision = router.route(type: "court.verdict", attributes: ["residenceProvince": "99"])
        #expect(decision.destinations.map(\.destination) == ["ncjr"])
        #expect(decision.skipped == [RoutingDecision.Skip(
            target: "doj-{attr:residenceProvince}", reason: "attribute residenceProvince missing or not a province code")])
    }

    @Test func conditionsOnValues() {
        let router = MessageRouter(
            routes: [Route(type: "test.note", destinations: [.destination("bhxh")],
                           condition: Route.Condition(attribute: "province", present: nil, equals: "79"), steps: [])],
            knownDestinations: known
        )
        #expect(router.route(type: "test.note", attributes: ["province": "79"]).destinations.count == 1)
        #expect(router.route(type: "test.note", attributes: ["province": "46"]).destinations.isEmpty)
        #expect(router.route(type: "court.verdict", attributes: ["province": "79"]).destinations.isEmpty)
    }
}
