import HTTP
import Testing

@Suite struct PortTests {
    @Test func ephemeralPortsAreUnique() throws {
        var servers: [HTTPServer] = []
        for _ in 0..<40 { servers.append(try startServer()) }
        let ports = Set(servers.map(\.port))
        #expect(ports.count == servers.count)
        servers.forEach { $0.shutdown() }
    }
}
