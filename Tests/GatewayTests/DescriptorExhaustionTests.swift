import Foundation
import Glibc
import Testing

/// The gateway out of file descriptors (hostile clients holding connections against a low `ulimit -n`): it
/// must not spin on `accept` (it used to burn a core per event loop until descriptors freed up), it refuses
/// the excess connections with a clean close, and it serves again once descriptors are free.
@Suite(.serialized) struct DescriptorExhaustionTests {
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

        // Leave the gateway a few descriptors above what it holds now.
        let open = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
        var limit = rlimit(rlim_cur: rlim_t(open + 6), rlim_max: rlim_t(open + 6))
        var previous = rlimit()
        #expect(prlimit(pid, __rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit, &previous) == 0)

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
        let refused = held.filter { Self.closedByPeer($0) }.count
        #expect(refused > 0, "no excess connection was closed")
        #expect(refused < held.count, "every connection was closed, none was served")

        for fd in held { close(fd) }
        held.removeAll()
        #expect(prlimit(pid, __rlimit_resource_t(RLIMIT_NOFILE.rawValue), &previous, nil) == 0)
        #expect(await gateway.eventually(timeout: .seconds(5)) {
            await gateway.send("/healthz", method: "GET", as: nil).0 == 200
        }, "gateway did not serve again after descriptors were freed")
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

    /// Whether the peer closed (EOF or reset) within a short wait.
    private static func closedByPeer(_ fd: Int32) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 200) == 1 else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_DONTWAIT)) <= 0
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
