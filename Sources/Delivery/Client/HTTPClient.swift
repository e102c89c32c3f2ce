import Synchronization

/// An HTTP/1.1 client over libcurl multi, running on its own worker threads.
///
/// Each worker thread owns one multi handle with its own connection pool; requests are spread over the
/// workers round-robin, and each worker reuses its pooled connections (at most `maxConnectionsPerHost`
/// per origin; extra transfers wait inside libcurl). Safe to share between tasks.
public final class HTTPClient: Sendable {
    /// Default cap on a kept response body: enough for any receipt or problem document.
    public static let defaultMaxResponseBody = 64 * 1024

    /// Response bodies longer than this are truncated (``OutboundResponse/bodyTruncated``).
    public let maxResponseBody: Int
    private let workers: [CurlWorker]
    private let next = Atomic<Int>(0)

    /// Initialises libcurl for the process. Call once at start-up before other threads exist; the client
    /// also calls it, so this only makes the moment explicit.
    public static func globalInit() { CurlGlobal.ensure() }

    /// Starts the worker threads.
    ///
    /// - Parameters:
    ///   - workers: Number of threads, each with one libcurl multi handle.
    ///   - maxConnectionsPerHost: Connection cap per origin and worker.
    ///   - maxResponseBody: Cap on kept response body bytes.
    public init(workers: Int = 1, maxConnectionsPerHost: Int = 64, maxResponseBody: Int = HTTPClient.defaultMaxResponseBody) {
        CurlGlobal.ensure()
        self.maxResponseBody = maxResponseBody
        self.workers = (0..<max(1, workers)).compactMap {
            CurlWorker(maxConnectionsPerHost: maxConnectionsPerHost, name: "curl-worker-\($0)")
        }
    }

    deinit { shutdown() }

    /// Sends one request and waits for the complete response.
    ///
    /// Task cancellation does not abort the transfer; ``OutboundRequest/timeout`` bounds it.
    ///
    /// - Returns: The response (any status), or a ``TransportError`` when no response arrived.
    public func send(_ request: OutboundRequest) async -> Result<OutboundResponse, TransportError> {
        guard !workers.isEmpty else {
            return .failure(TransportError(kind: .other, curlCode: 0, message: "libcurl could not be initialised"))
        }
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue % workers.count
        let worker = workers[index < 0 ? -index : index]
        return await withCheckedContinuation { continuation in
            let transfer = Transfer(request: request, maxBody: maxResponseBody, continuation: continuation)
            if !worker.submit(transfer) {
                continuation.resume(returning: .failure(TransportError(kind: .shutdown, curlCode: 0, message: "HTTP client shut down")))
            }
        }
    }

    /// Fails every unfinished request with ``TransportError/Kind/shutdown`` and stops the worker threads.
    /// Idempotent.
    public func shutdown() {
        for worker in workers { worker.stop() }
    }
}
