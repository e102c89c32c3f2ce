import Foundation
import Glibc

/// A blocking TCP client for conformance tests: writes raw bytes, reads raw responses.
/// Reads block a GCD thread, never the cooperative pool the server's handlers run on.
final class RawClient: @unchecked Sendable {
    let fd: Int32

    init(port: Int, timeout: Double = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(fd) }

    private func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    func shutdownWrite() { Glibc.shutdown(fd, Int32(SHUT_WR)) }

    /// Reads until EOF, error or timeout.
    func readAll() async -> String { await offPool { self.readAllSync() } }

    /// Reads raw bytes until EOF, error or timeout.
    func readAllBytes() async -> [UInt8] { await offPool { self.readAllBytesSync() } }

    private func readAllSync() -> String { String(decoding: readAllBytesSync(), as: UTF8.self) }

    private func readAllBytesSync() -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return out
    }

    /// Whether the server closed (EOF) within the receive timeout; data before EOF is discarded.
    func sawEOF() async -> Bool { await offPool { self.sawEOFSync() } }

    private func sawEOFSync() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    /// Reads exactly `count` complete responses (Content-Length framed) and returns them.
    func readResponses(_ count: Int) async -> [RawResponse] { await offPool { self.readResponsesSync(count) } }

    private func readResponsesSync(_ count: Int) -> [RawResponse] {
        var data: [UInt8] = []
        var responses: [RawResponse] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while responses.count < count {
            if let (response, used) = RawResponse.parse(data) {
                responses.append(response)
                data.removeFirst(used)
                continue
            }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return responses
    }
}

/// A parsed raw response.
struct RawResponse {
    var status: Int
    var headers: [(String, String)]
    var body: String

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    static func parse(_ data: [UInt8]) -> (RawResponse, Int)? {
        let crlfcrlf: [UInt8] = [13, 10, 13, 10]
        guard data.count >= 4 else { return nil }
        var end = -1
        for i in 0...(data.count - 4) where Array(data[i..<(i + 4)]) == crlfcrlf {
            end = i
            break
        }
        guard end >= 0 else { return nil }
        let head = String(decoding: data[0..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        let headers = lines.map { line -> (String, String) in
            let p = line.split(separator: ":", maxSplits: 1)
            return (String(p[0]), p.count > 1 ? p[1].trimmingCharacters(in: .whitespaces) : "")
        }
        if status == 100 {
            return (RawResponse(status: 100, headers: headers, body: ""), end + 4)
        }
        let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
        guard data.count >= end + 4 + length else { return nil }
        let body = String(decoding: data[(end + 4)..<(end + 4 + length)], as: UTF8.self)
        return (RawResponse(status: status, headers: headers, body: body), end + 4 + length)
    }
}
