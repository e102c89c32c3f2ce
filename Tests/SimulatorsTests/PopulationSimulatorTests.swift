import Foundation
import Simulators
import Testing

@Suite struct PopulationSimulatorTests {
    private func database() throws -> PopulationSimulator {
        let citizens = try Citizen.load(path: Fixtures.root.appendingPathComponent("population/citizens.json").path)
        let population = PopulationSimulator(citizens: citizens)
        try population.start()
        return population
    }

    @Test func looksUpCitizensFromTheFixtureFile() async throws {
        let population = try database()
        defer { population.shutdown() }
        let lan = await Wire.send(population.baseURL + "/v1/citizens/001303012345", method: "GET")
        #expect(lan.status == 200)
        #expect(lan.json["fullName"] as? String == "Nguyễn Thị Lan")
        #expect(lan.json["dateOfBirth"] as? String == "2003-03-15")
        #expect(lan.json["sex"] as? String == "female")
        #expect(lan.json["residenceProvince"] as? String == "01")
        #expect(lan.json["status"] as? String == "active")
        let unknown = await Wire.send(population.baseURL + "/v1/citizens/001303099999", method: "GET")
        #expect(unknown.status == 404)
        #expect(unknown.headers.contains { $0.0.lowercased() == "content-type" && $0.1 == "application/problem+json" })
        #expect(await Wire.send(population.baseURL + "/v1/citizens/12ab", method: "GET").status == 400)
        #expect(await Wire.send(population.baseURL + "/v1/citizens/001303012345").status == 405)
    }

    @Test func goesDownWith503OrHangsAndRecovers() async throws {
        let population = try database()
        defer { population.shutdown() }
        let url = population.baseURL + "/v1/citizens/001303012345"
        population.goDown(.unavailable)
        let down = await Wire.send(url, method: "GET")
        #expect(down.status == 503)
        #expect(down.headers.contains { $0.0.lowercased() == "retry-after" })
        population.recover()
        #expect(await Wire.send(url, method: "GET").status == 200)

        population.goDown(.hang)
        let started = ContinuousClock.now
        let hung = await Wire.send(url, method: "GET", timeout: .milliseconds(400))
        #expect(hung.status == 0)
        #expect(hung.error?.kind == .timeout)
        #expect(ContinuousClock.now - started >= .milliseconds(350))
        population.recover()
        #expect(await Wire.send(url, method: "GET").status == 200)
        // The generic control endpoints work on it too.
        #expect(await Wire.send(population.baseURL + "/_control/fail?status=503&count=1").status == 204)
        #expect(await Wire.send(url, method: "GET").status == 503)
        #expect(await Wire.send(url, method: "GET").status == 200)
    }
}
