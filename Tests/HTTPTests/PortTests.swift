import HTTPCore
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

@Suite struct PortInUseTests {
    @Test func aSecondServerOnABusyPortFailsToStart() throws {
        let first = try startServer()
        defer { first.shutdown() }
        let second = try HTTPServer(configuration: ServerConfiguration(port: first.port, loops: 2)) { _ in
            HTTPResponse(status: 200)
        }
        // SO_REUSEPORT would let it bind and silently take half the connections; it must refuse instead.
        #expect(throws: HTTPServerError.self) { try second.start() }
        second.shutdown()
    }
}
