/// The agencies ``SimulatorSuite`` simulates, each named by the destination `format` it receives.
public enum SimulatedAgency: String, Sendable, CaseIterable, Hashable {
    /// The e-health book (`healthbook.visit`).
    case healthBook = "healthbook"
    /// The BHXH assessment portal (`bhxh.portal`).
    case socialSecurity = "bhxh"
    /// The National Centre for Judicial Records (`judicial.record`).
    case nationalCentre = "ncjr"
    /// VNeID (`vneid.certificate`).
    case vneid = "vneid"
    /// The 63 Departments of Justice on one port (`justice.doj`).
    case justice = "doj"
    /// The National Population Database (`population.lookup`).
    case population = "population"

    /// The agency that receives destination format `format`, if simulated.
    public init?(format: String) {
        switch format {
        case "healthbook.visit": self = .healthBook
        case "bhxh.portal": self = .socialSecurity
        case "judicial.record": self = .nationalCentre
        case "vneid.certificate": self = .vneid
        case "justice.doj": self = .justice
        case "population.lookup": self = .population
        default: return nil
        }
    }

    /// A name for listings.
    public var displayName: String {
        switch self {
        case .healthBook: "e-health book"
        case .socialSecurity: "BHXH portal"
        case .nationalCentre: "National Centre for Judicial Records"
        case .vneid: "VNeID"
        case .justice: "Departments of Justice (63)"
        case .population: "population database"
        }
    }
}
