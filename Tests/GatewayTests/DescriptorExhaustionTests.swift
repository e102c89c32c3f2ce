import Foundation
@testable import Gateway
import Glibc
import Testing

/// The gateway against a low `ulimit -n` with hostile clients holding connections: it caps connections below the
/// descriptor limit (refusing the excess with 503), and if descriptors run out anyway it neither spins on `accept`
/// (it used to burn a core per event loop until descriptors freed up) nor leaves the excess hanging in the backlog,
/// and it serves again once descriptors are free.
@Suite(.serialized) struct DescriptorExhaustionTests {
    @Test func connectionCapLeavesAReserveBelowTheDescriptorLimit() {
        #expect(DescriptorBudget(limit: 1_048_576, configured: 10_000, listeners: 3).connectionsPerListener == 10_000)
        let small = DescriptorBudget(limit: 1024, configured: 10_000, listeners: 2)
        #expect(small.reserve == 128)
        #expect(small.connectionsPerListener == 448)
        #expect(DescriptorBudget(limit: 200, configured: 10_000, listeners: 2).connectionsPerListener == 68)
        #expect(DescriptorBudget(limit: 20, configured: 10_000, listeners: 2).connectionsPerListener == 1)
        #expect(DescriptorBudget.raiseLimit() >= 64)
    }

    @Test func lowDescriptorLimitCapsConnectionsWith503() async throws {
        let gateway = try GatewayHarness()
        let binary = try GatewayBinary.path()
        // prlimit execs the gateway, so the process keeps its pid.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        process.arguments = ["--nofile=200:200", binary, "serve", "--config", gateway.configPath]
        process.currentDirectoryURL = gateway.directory
        let log = gateway.directory.appendingPathComponent("serve.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        #expect(await gateway.eventually(timeout: .seconds(15)) {
            await gateway.send("/healthz", method: "GET", as: nil).0 == 200
        }, "gateway did not come up")

        var held: [Int32] = []
        defer { for fd in held { close(fd) } }
        for _ in 0..<150 { held.append(try Self.connect(port: gateway.agencyPort)) }
        try await Task.sleep(for: .milliseconds(300))
        // (200 − 64 reserve) / 2 listeners = 68 per listener; the rest get a 503 and a close.
        let answers = held.map { Self.answer($0) }
        let refused = answers.filter { $0.hasPrefix("HTTP/1.1 503") }.count
        #expect(refused >= 150 - 68, "\(refused) of 150 refused with 503")
        #expect(answers.filter { $0.isEmpty }.count <= 68, "more connections held than the cap")
        let stderr = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(stderr.contains("allows 68 connections per listener"), "no warning about the lowered cap: \(stderr)")
        #expect(process.isRunning)

        for fd in held { close(fd) }
        held.removeAll()
        #expect(await gateway.eventually(timeout: .seconds(5)) {
            await gateway.send("/healthz", method: "GET", as: nil).0 == 200
        }, "gateway did not serve again after connections closed")
    }

    @Test func outOfDescriptorsNeitherSpinsNorHangsAndRecovers() async throws {
        let gateway = try GatewayHarness()
        let binary = try GatewayBinary.path()
        let process = try GatewayBinary.launch(binary, config: gateway.configPath, log: gateway.directory)
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let pid = process.processIdentifier
        #expect(await gateway.eventually(timeout: .seconds(15)) {
            await gateway.send("/healthz", method: "GET", as: nil).0 == 200
        }, "gateway did not come up")
        // Let the delivery loop arm its timers first: libdispatch traps if it cannot create a timer descriptor.
        try await Task.sleep(for: .seconds(1))

        // Leave the gateway a few descriptors above what it holds now (below its connection cap, so accept fails).
        let open = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
        try Self.setDescriptorLimit(pid, soft: open + 6)

        var held: [Int32] = []
        defer { for fd in held { close(fd) } }
        for _ in 0..<40 { held.append(try Self.connect(port: gateway.agencyPort)) }

        try await Task.sleep(for: .milliseconds(300))
        let before = try Self.cpuTicks(pid)
        try await Task.sleep(for: .seconds(1))
        let spent = try Self.cpuTicks(pid) - before
        // A spinning loop spends ~100 ticks a second; an idle gateway a handful.
        #expect(spent < 30, "gateway spent \(spent) CPU ticks in 1 s while out of descriptors")

        // Connections beyond the descriptors are closed by the server, not left hanging in the backlog.
        let answers = held.map { Self.answer($0) }
        let refused = answers.filter { $0 == "closed" }.count
        #expect(refused > 0, "no excess connection was closed")
        #expect(refused < held.count, "every connection was closed, none was served")

        for fd in held { close(fd) }
        held.removeAll()
        try Self.setDescriptorLimit(pid, soft: 4096)
        #expect(await gateway.eventually(timeout: .seconds(5)) {
            await gateway.send("/healthz", method: "GET", as: nil).0 == 200
        }, "gateway did not serve again after descriptors were freed")
    }

    /// Sets another process's `RLIMIT_NOFILE` with util-linux `prlimit` (glibc's `prlimit()` needs `_GNU_SOURCE`,
    /// which the Glibc module is not built with).
    private static func setDescriptorLimit(_ pid: Int32, soft limit: Int) throws {
        let tool = Process()
        tool.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        tool.arguments = ["--pid", "\(pid)", "--nofile=\(limit):"]
        try tool.run()
        tool.waitUntilExit()
        try #require(tool.terminationStatus == 0, "prlimit failed")
    }

    /// A blocking loopback connection (it completes from the listen backlog even when never accepted).
    private static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(rc == 0, "connect failed: errno \(errno)")
        return fd
    }

    /// What the server did within a short wait: "" (nothing: the connection is held open), the bytes it sent
    /// (e.g. a 503), or "closed" (EOF or reset without a response).
    private static func answer(_ fd: Int32) -> String {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 20) == 1 else { return "" }
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        return n > 0 ? String(decoding: buffer.prefix(n), as: UTF8.self) : "closed"
    }

    /// utime + stime of a process, in clock ticks.
    private static func cpuTicks(_ pid: Int32) throws -> Int {
        let text = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
        let tail = try #require(text.range(of: ") ", options: .backwards)).upperBound
        let fields = text[tail...].split(separator: " ")
        return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
    }
}
