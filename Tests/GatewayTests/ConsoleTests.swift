import Foundation
@testable import Gateway
import Glibc
import Testing

/// The operator console: served from the operator listener with strict headers, and driven in headless
/// Chromium against a running gateway (the log shows the messages; a replay deep link reaches the simulator).
@Suite(.serialized) struct ConsoleTests {
    private static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// `<package>/.build/test-output`, where the screenshot goes.
    private static var outputDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/test-output")
    }

    private func header(_ headers: [(String, String)], _ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// Runs headless Chromium on `url` with `arguments`; returns its stdout (the DOM for `--dump-dom`).
    private func chromium(_ url: String, _ arguments: [String]) async throws -> String {
        let binary = try #require(Self.chromium, "install the Debian package chromium (make deps-test)")
        let (status, output) = try await offPool { try Self.runChromium(binary, url, arguments) }
        #expect(status == 0, "chromium exited with \(status)")
        return output
    }

    private static func runChromium(_ binary: String, _ url: String, _ arguments: [String]) throws -> (Int32, String) {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        var all = ["--headless", "--disable-gpu", "--no-first-run", "--disable-extensions", "--hide-scrollbars",
                   "--user-data-dir=\(profile.path)", "--virtual-time-budget=5000"]
        if getuid() == 0 { all.append("--no-sandbox") }
        process.arguments = all + arguments + [url]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The part of `dom` from the element with `id` to the end of that table.
    private func table(_ dom: String, id: String) -> String {
        guard let start = dom.range(of: "id=\"\(id)\"") else { return "" }
        let rest = dom[start.lowerBound...]
        guard let end = rest.range(of: "</table>") else { return String(rest) }
        return String(rest[..<end.lowerBound])
    }

    @Test func servesTheFilesWithStrictHeaders() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        let (redirect, _, redirectHeaders) = await gateway.sendOperator("/console", as: nil)
        #expect(redirect == 301)
        #expect(header(redirectHeaders, "Location") == "/console/")
        var page = ""
        for (path, type) in [("/console/", "text/html"), ("/console/console.css", "text/css"),
                             ("/console/console.js", "text/javascript")] {
            let (status, body, headers) = await gateway.sendOperator(path, as: nil)
            #expect(status == 200, "\(path)")
            #expect(header(headers, "Content-Type")?.hasPrefix(type + "; charset=utf-8") == true, "\(path)")
            #expect(header(headers, "Cache-Control") == "no-store")
            #expect(header(headers, "Content-Security-Policy")?.hasPrefix("default-src 'self'") == true)
            #expect(header(headers, "X-Content-Type-Options") == "nosniff")
            #expect(header(headers, "X-Frame-Options") == "DENY")
            if path == "/console/" { page = body }
        }
        // The CSP forbids inline code: the page must not need any.
        #expect(page.contains(#"<script src="console.js" defer></script>"#))
        #expect(!page.contains("<script>") && !page.contains(" style=") && !page.contains(" onclick="))
        #expect(!page.contains("http://") && !page.contains("https://"), "no outside resources")
        for path in ["/console/nope.js", "/console/..%2Fgateway.json", "/console/%2e%2e", "/console/index.html/x"] {
            let (status, body, headers) = await gateway.sendOperator(path, as: nil)
            #expect(status == 404, "\(path)")
            #expect(header(headers, "Content-Type") == "application/problem+json", "\(path)")
            #expect(!body.contains("node"), "\(path)")
        }
        let (post, _, _) = await gateway.sendOperator("/console/", method: "POST", as: nil)
        #expect(post == 405)
        // Only operator listeners serve it.
        let (agencySide, _, _) = await gateway.send("/console/", method: "GET")
        #expect(agencySide == 404)
        await gateway.shutdown()
    }

    @Test func headlessChromiumShowsTheLogAndTakesAScreenshot() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        var ids: [String] = []
        for index in 1...4 {
            let (status, body, _) = await gateway.send("/v1/test/notes", body: #"{"key":"console-\#(index)","text":"hi"}"#)
            #expect(status == 202)
            ids.append(try #require(gateway.json(body)["id"] as? String))
        }
        #expect(await gateway.eventually { gateway.simulator.recorder.total == 4 })
        let token = try #require(gateway.operatorTokens["operator"])
        let url = "http://127.0.0.1:\(gateway.operatorPort)/console/#token=\(token)"

        let dom = try await chromium(url, ["--dump-dom"])
        let log = table(dom, id: "log-table")
        for id in ids { #expect(log.contains(id), "log table lacks \(id)") }
        #expect(table(dom, id: "health").contains("sim"))
        #expect(dom.contains(#"id="counters""#) && dom.contains("Delivered"))
        #expect(!dom.contains(token), "the token must not end up in the page")

        try FileManager.default.createDirectory(at: Self.outputDirectory, withIntermediateDirectories: true)
        let screenshot = Self.outputDirectory.appendingPathComponent("console.png")
        try? FileManager.default.removeItem(at: screenshot)
        _ = try await chromium(url, ["--screenshot=\(screenshot.path)", "--window-size=1280,800"])
        let size = (try? FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int) ?? 0
        #expect(size > 10_000, "screenshot missing or empty")
        print("console screenshot: \(screenshot.path)")

        // Without a token the page asks for one and shows no data.
        let anonymous = try await chromium("http://127.0.0.1:\(gateway.operatorPort)/console/", ["--dump-dom"])
        #expect(!table(anonymous, id: "log-table").contains(ids[0]))
        #expect(anonymous.contains(#"<section id="login" class="card login" aria-labelledby="login-title">"#))
        await gateway.shutdown()
    }

    @Test func replayDeepLinkReachesTheSimulator() async throws {
        let gateway = try GatewayHarness()
        try gateway.startInProcess()
        let (_, body, _) = await gateway.send("/v1/test/notes", body: #"{"key":"console-replay","text":"again"}"#)
        let id = try #require(gateway.json(body)["id"] as? String)
        #expect(await gateway.eventually { gateway.simulator.recorder.counts[id] == 1 })
        #expect(await gateway.eventually {
            let (_, log, _) = await gateway.sendOperator("/v1/log?status=delivered&message=\(id)")
            return (gateway.json(log)["entries"] as? [Any])?.count == 1
        })
        let token = try #require(gateway.operatorTokens["operator"])
        let dom = try await chromium(
            "http://127.0.0.1:\(gateway.operatorPort)/console/#token=\(token)&message=\(id)&replay=sim", ["--dump-dom"])
        #expect(table(dom, id: "deliveries").contains("sim"))
        #expect(dom.contains("data-last-replay="), "the page did not replay")
        #expect(await gateway.eventually { gateway.simulator.recorder.counts[id] == 2 })
        let (_, audit, _) = await gateway.sendOperator("/v1/log?status=replayed&message=\(id)")
        let entry = (gateway.json(audit)["entries"] as? [[String: Any]])?.first
        #expect(entry?["actor"] as? String == "operator")

        // A viewer's deep link is refused by the API: nothing is re-sent.
        let viewer = try #require(gateway.operatorTokens["viewer"])
        let refused = try await chromium(
            "http://127.0.0.1:\(gateway.operatorPort)/console/#token=\(viewer)&message=\(id)&replay=sim", ["--dump-dom"])
        #expect(refused.contains("may not replay"))
        try await Task.sleep(for: .milliseconds(700))
        #expect(gateway.simulator.recorder.counts[id] == 2)
        await gateway.shutdown()
    }
}
