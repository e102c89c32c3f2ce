import CCurl

/// The state of one in-flight request on a worker: the request, the continuation to resume, and the
/// buffers libcurl's callbacks fill.
///
/// `@unchecked Sendable` because it is created on the caller's task and then handed, through the worker's
/// locked queue, to the worker thread, which is from then on the only thread that touches it (libcurl
/// callbacks run on that thread inside `curl_multi_perform`).
final class Transfer: @unchecked Sendable {
    let request: OutboundRequest
    let continuation: CheckedContinuation<Result<OutboundResponse, TransportError>, Never>
    let maxBody: Int
    var body: [UInt8] = []
    var truncated = false
    var headers: [(String, String)] = []
    var headerList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer: UnsafeMutablePointer<CChar>
    var started: ContinuousClock.Instant = .now

    init(
        request: OutboundRequest,
        maxBody: Int,
        continuation: CheckedContinuation<Result<OutboundResponse, TransportError>, Never>
    ) {
        self.request = request
        self.maxBody = maxBody
        self.continuation = continuation
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
    }

    /// Appends body bytes up to the cap; the rest is counted as truncation, not an error.
    func appendBody(_ pointer: UnsafeRawBufferPointer) {
        let room = maxBody - body.count
        if room <= 0 {
            if pointer.count > 0 { truncated = true }
            return
        }
        if pointer.count > room {
            truncated = true
            body.append(contentsOf: pointer.prefix(room))
        } else {
            body.append(contentsOf: pointer)
        }
    }

    /// Records one header line. A status line starts a new response (after `100 Continue` or a redirect),
    /// so the fields collected so far are dropped.
    func appendHeaderLine(_ pointer: UnsafeRawBufferPointer) {
        var line = Array(pointer)
        while let last = line.last, last == 0x0a || last == 0x0d { line.removeLast() }
        if line.isEmpty { return }
        if line.starts(with: Array("HTTP/".utf8)) {
            headers.removeAll(keepingCapacity: true)
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: line[..<colon], as: UTF8.self)
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingLeadingAndTrailingSpaces()
        headers.append((name, value))
    }

    /// The detailed libcurl message, or the generic one for `code`.
    func errorMessage(_ code: CURLcode) -> String {
        let detailed = String(cString: errorBuffer)
        if !detailed.isEmpty { return detailed }
        return String(cString: curl_easy_strerror(code))
    }
}

/// libcurl `CURLOPT_WRITEFUNCTION`: `userdata` is an unretained ``Transfer``.
func deliveryCurlWriteBody(
    _ pointer: UnsafeMutablePointer<CChar>?,
    _ size: Int,
    _ count: Int,
    _ userdata: UnsafeMutableRawPointer?
) -> Int {
    let length = size * count
    guard let pointer, let userdata else { return length }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    transfer.appendBody(UnsafeRawBufferPointer(start: pointer, count: length))
    return length
}

/// libcurl `CURLOPT_HEADERFUNCTION`: `userdata` is an unretained ``Transfer``.
func deliveryCurlWriteHeader(
    _ pointer: UnsafeMutablePointer<CChar>?,
    _ size: Int,
    _ count: Int,
    _ userdata: UnsafeMutableRawPointer?
) -> Int {
    let length = size * count
    guard let pointer, let userdata else { return length }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    transfer.appendHeaderLine(UnsafeRawBufferPointer(start: pointer, count: length))
    return length
}
