import Foundation
import HTTP
import HTTPCore
import Testing

@Suite struct SmokeTests {
    @Test func servesOneRequestAndPipelinesThree() throws {
        let server = try startServer()
        defer { server.shutdown() }
        let client = try RawClient(port: server.port)
        client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /c HTTP/1.1\r\nHost: x\r\n\r\n")
        let responses = client.readResponses(3)
        #expect(responses.map(\.status) == [200, 200, 200])
        #expect(responses.map(\.body) == ["GET /a ", "POST /b abc", "GET /c "])
        #expect(responses.first?.header("Date") != nil)
    }
}
