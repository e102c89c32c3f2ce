import Dispatch
import Glibc
import HTTP
import HTTPCore
import Synchronization

/// A destination that answers every POST `200` as fast as the HTTP server allows and counts them, so the
/// end-to-end benchmark measures the gateway (or nginx `proxy_pass`), not the destination.
///
/// `bench-sink [--port N] [--loops N]`: prints `port N` once listening. `GET /_control/received` answers
/// `{"received": total, "distinct": distinct Idempotency-Keys}`; `POST /_control/reset` zeroes both.
/// SIGTERM or SIGINT prints the same counts and exits.
enum Sink {
    /// Counts: total POSTs answered and the distinct `Idempotency-Key`s among them.
    private struct Counts {
        var total = 0
        var keys = Set<String>()
    }

    private static let counts = Mutex(Counts())

    /// Runs the sink until SIGTERM or SIGINT; returns the exit status.
    static func main(_ arguments: [String]) -> Int32 {
        var port = 0
        var loops = 2
        var index = 0
        while index < arguments.count {
            let value = index + 1 < arguments.count ? arguments[index + 1] : ""
            switch arguments[index] {
            case "--port": port = Int(value) ?? -1
            case "--loops": loops = Int(value) ?? -1
            default:
                report("usage: bench-sink [--port N] [--loops N]", to: 2)
                return 2
            }
            index += 2
        }
        guard (0...65535).contains(port), loops > 0 else {
            report("bench-sink: bad --port or --loops", to: 2)
            return 2
        }
        let server: HTTPServer
        do {
            server = try HTTPServer(configuration: ServerConfiguration(host: "127.0.0.1", port: port, loops: loops)) {
                request in handle(request)
            }
            try server.start()
        } catch {
            report("bench-sink: \(error)", to: 2)
            return 1
        }
        report("port \(server.port)")
        waitForTermination()
        report(countsJSON())
        server.shutdown()
        return 0
    }

    private static func handle(_ request: HTTPRequest) -> HTTPResponse {
        switch (request.method, request.path) {
        case ("GET", "/_control/received"):
            return .json(200, Array(countsJSON().utf8))
        case ("POST", "/_control/reset"):
            counts.withLock { $0 = Counts() }
            return HTTPResponse(status: 204)
        case ("POST", _):
            let key = request.headers["Idempotency-Key"]
            counts.withLock { counts in
                counts.total += 1
                if let key { counts.keys.insert(key) }
            }
            return .json(200, Array(#"{"status":"received"}"#.utf8))
        default:
            return .json(404, Array(#"{"status":"unknown"}"#.utf8))
        }
    }

    private static func countsJSON() -> String {
        let (total, distinct) = counts.withLock { ($0.total, $0.keys.count) }
        return #"{"received":\#(total),"distinct":\#(distinct)}"#
    }

    /// Writes a line to stdout (or `fd`) at once, unbuffered (the bench script reads it while the sink runs).
    private static func report(_ line: String, to fd: Int32 = 1) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    private static func waitForTermination() {
        let done = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { done.signal() }
            source.resume()
            sources.append(source)
        }
        done.wait()
        sources.forEach { $0.cancel() }
    }
}
