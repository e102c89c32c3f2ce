import HTTPCore
import Testing

@Suite struct RouterTests {
    private var router: Router<String> {
        var r = Router<String>()
        r.add("GET", "/healthz", "health")
        r.add("POST", "/v1/messages", "submit")
        r.add("GET", "/v1/messages/{id}", "get")
        r.add("GET", "/v1/messages/search", "search")
        r.add("DELETE", "/v1/messages/{id}", "delete")
        return r
    }

    @Test func matchesParameters() throws {
        let m = try router.lookup(method: "GET", path: "/v1/messages/abc%20d").get()
        #expect(m.key == "get")
        #expect(m.parameters["id"] == "abc d")
    }

    @Test func literalBeatsParameter() throws {
        #expect(try router.lookup(method: "GET", path: "/v1/messages/search").get().key == "search")
    }

    @Test func headFallsBackToGet() throws {
        #expect(try router.lookup(method: "HEAD", path: "/healthz").get().key == "health")
    }

    @Test func notFound() {
        guard case .failure(let p) = router.lookup(method: "GET", path: "/nope") else {
            Issue.record("matched")
            return
        }
        #expect(p.status == 404)
    }

    @Test func methodNotAllowedListsAllow() {
        guard case .failure(let p) = router.lookup(method: "PUT", path: "/v1/messages/1") else {
            Issue.record("matched")
            return
        }
        #expect(p.status == 405)
        let allow = p.headers.first { $0.0 == "Allow" }?.1
        #expect(allow == "GET, DELETE, HEAD")
        #expect(HTTPResponse.problem(p).headers["Allow"] == "GET, DELETE, HEAD")
    }

    @Test func emptySegmentDoesNotMatchParameter() {
        guard case .failure(let p) = router.lookup(method: "GET", path: "/v1/messages/") else {
            Issue.record("matched")
            return
        }
        #expect(p.status == 404)
    }
}
