import CCurl
import Foundation
import Synchronization

/// One outbound worker: a thread that owns one libcurl multi handle and its easy handles.
///
/// A multi handle and its easy handles may be used by one thread only, so callers never touch them:
/// they append a ``Transfer`` to the locked inbox and call `curl_multi_wakeup` (the one multi call that is
/// safe from any thread) to interrupt the worker's `curl_multi_poll`. Connections live in the multi's
/// connection cache, so consecutive requests to the same origin reuse them.
///
/// `@unchecked Sendable`: `inbox` is a `Mutex`; `multi` is only passed to `curl_multi_wakeup` from other
/// threads; `idle` and `active` are touched only by the worker thread inside ``run()`` (checked by
/// `assertOnWorker`).
final class CurlWorker: @unchecked Sendable {
    private struct Inbox {
        var pending: [Transfer] = []
        var stopping = false
        var stopped = false
    }

    private let inbox = Mutex(Inbox())
    private let multi: UnsafeMutableRawPointer
    private let maxIdleHandles: Int
    private let exited = DispatchSemaphore(value: 0)
    private var idle: [UnsafeMutableRawPointer] = []
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    private var workerThread: pthread_t?

    /// Creates the multi handle; `nil` if libcurl cannot allocate one.
    init?(maxConnectionsPerHost: Int, name: String) {
        guard CurlGlobal.ensure(), let multi = curl_multi_init() else { return nil }
        self.multi = multi
        maxIdleHandles = max(4, maxConnectionsPerHost * 2)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(16, maxConnectionsPerHost * 4))
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.start()
    }

    /// Queues a transfer; returns `false` once the worker is shutting down.
    func submit(_ transfer: Transfer) -> Bool {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.stopping else { return false }
            inbox.pending.append(transfer)
            return true
        }
        if accepted { curl_multi_wakeup(multi) }
        return accepted
    }

    /// Asks the worker to stop, fails
    /// every unfinished transfer with ``TransportError/Kind/shutdown`` and waits for the thread to exit.
    func stop() {
        let first = inbox.withLock { inbox -> Bool in
            defer { inbox.stopping = true }
            return !inbox.stopping
        }
        guard first else { return }
        curl_multi_wakeup(multi)
        exited.wait()
        curl_multi_cleanup(multi)
    }

    private func assertOnWorker() {
        assert(workerThread.map { pthread_equal($0, pthread_self()) != 0 } ?? false, "CurlWorker state touched off its thread")
    }

    private func run() {
        workerThread = pthread_self()
        var running: Int32 = 0
        while true {
            let (incoming, stopping) = inbox.withLock { inbox -> ([Transfer], Bool) in
                defer { inbox.pending.removeAll(keepingCapacity: true) }
                return (inbox.pending, inbox.stopping)
            }
            if stopping {
                for transfer in incoming { transfer.continuation.resume(returning: .failure(Self.shutdownError)) }
                abortAll()
                exited.signal()
                return
            }
            for transfer in incoming { begin(transfer) }
            _ = curl_multi_perform(multi, &running)
            drainCompletions()
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
        }
    }

    private static let shutdownError = TransportError(kind: .shutdown, curlCode: 0, message: "HTTP client shut down")

    private func begin(_ transfer: Transfer) {
        assertOnWorker()
        guard let easy = idle.popLast() ?? curl_easy_init() else {
            transfer.continuation.resume(
                returning: .failure(TransportError(kind: .other, curlCode: 0, message: "curl_easy_init failed")))
            return
        }
        curl_easy_reset(easy)
        let code = configure(easy, for: transfer)
        guard code == CURLE_OK else {
            let error = TransportError(kind: .invalidRequest, curlCode: Int(code.rawValue), message: transfer.errorMessage(code))
            idle.append(easy)
            transfer.continuation.resume(returning: .failure(error))
            return
        }
        transfer.started = .now
        active[easy] = transfer
        if curl_multi_add_handle(multi, easy) != CURLM_OK {
            active[easy] = nil
            curl_easy_cleanup(easy)
            transfer.continuation.resume(
                returning: .failure(TransportError(kind: .other, curlCode: 0, message: "curl_multi_add_handle failed")))
        }
    }

    /// Sets every option for one request on a freshly reset handle; the first failing code is returned.
    private func configure(_ easy: UnsafeMutableRawPointer, for transfer: Transfer) -> CURLcode {
        let request = transfer.request
        let opaque = Unmanaged.passUnretained(transfer).toOpaque()
        let timeoutMs = max(1, Int(request.timeout.components.seconds * 1000 + request.timeout.components.attoseconds / 1_000_000_000_000_000))
        var steps: [() -> CURLcode] = [
            { ccurl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, transfer.errorBuffer) },
            { ccurl_easy_setopt_string(easy, CURLOPT_URL, request.url) },
            { ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1) },
            { ccurl_easy_setopt_long(easy, CURLOPT_TCP_NODELAY, 1) },
            { ccurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, timeoutMs) },
            { ccurl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, min(timeoutMs, 10_000)) },
            { ccurl_easy_setopt_write_function(easy, CURLOPT_WRITEFUNCTION, deliveryCurlWriteBody) },
            { ccurl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, opaque) },
            { ccurl_easy_setopt_write_function(easy, CURLOPT_HEADERFUNCTION, deliveryCurlWriteHeader) },
            { ccurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, opaque) },
            { ccurl_easy_setopt_long(easy, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2)) },
            { ccurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1) },
            { ccurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2) },
        ]
        switch request.method.uppercased() {
        case "GET":
            steps.append { ccurl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1) }
        case "HEAD":
            steps.append { ccurl_easy_setopt_long(easy, CURLOPT_NOBODY, 1) }
        default:
            steps.append { ccurl_easy_setopt_long(easy, CURLOPT_POST, 1) }
            steps.append { ccurl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)) }
            // COPYPOSTFIELDS copies during the call, so the Swift array need not outlive it.
            steps.append {
                request.body.withUnsafeBytes { raw in
                    if let base = raw.baseAddress {
                        return ccurl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                    }
                    return ccurl_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, "")
                }
            }
            if request.method.uppercased() != "POST" {
                steps.append { ccurl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method) }
            }
        }
        if let tls = request.tls {
            if let ca = tls.caFile { steps.append { ccurl_easy_setopt_string(easy, CURLOPT_CAINFO, ca) } }
            if let cert = tls.certificateFile { steps.append { ccurl_easy_setopt_string(easy, CURLOPT_SSLCERT, cert) } }
            if let key = tls.keyFile { steps.append { ccurl_easy_setopt_string(easy, CURLOPT_SSLKEY, key) } }
            if let pin = tls.pinnedPublicKey { steps.append { ccurl_easy_setopt_string(easy, CURLOPT_PINNEDPUBLICKEY, pin) } }
        }
        for step in steps {
            let code = step()
            if code != CURLE_OK { return code }
        }
        // An empty `Expect:` stops libcurl from waiting for `100 Continue` on large bodies.
        var list: UnsafeMutablePointer<curl_slist>? = curl_slist_append(nil, "Expect:")
        for (name, value) in request.headers {
            list = curl_slist_append(list, "\(name): \(value)")
        }
        transfer.headerList = list
        return ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)
    }

    private func drainCompletions() {
        assertOnWorker()
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = ccurl_msg_result(message)
            _ = curl_multi_remove_handle(multi, easy)
            guard let transfer = active.removeValue(forKey: easy) else { continue }
            let result = finish(easy, transfer: transfer, code: code)
            if idle.count < maxIdleHandles { idle.append(easy) } else { curl_easy_cleanup(easy) }
            transfer.continuation.resume(returning: result)
        }
    }

    private func finish(
        _ easy: UnsafeMutableRawPointer,
        transfer: Transfer,
        code: CURLcode
    ) -> Result<OutboundResponse, TransportError> {
        let latency = ContinuousClock.now - transfer.started
        guard code == CURLE_OK else {
            return .failure(TransportError(kind: Self.kind(of: code), curlCode: Int(code.rawValue), message: transfer.errorMessage(code)))
        }
        var status = 0
        var connects = 0
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects)
        return .success(
            OutboundResponse(
                status: status,
                headers: transfer.headers,
                body: transfer.body,
                bodyTruncated: transfer.truncated,
                latency: latency,
                newConnections: connects
            ))
    }

    /// Maps libcurl result codes to the few classes callers act on.
    static func kind(of code: CURLcode) -> TransportError.Kind {
        switch code {
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .connectFailed
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH: .pinMismatch
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_USE_SSL_FAILED:
            .tls
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2,
            CURLE_WEIRD_SERVER_REPLY:
            .reset
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT: .invalidRequest
        default: .other
        }
    }

    private func abortAll() {
        assertOnWorker()
        for (easy, transfer) in active {
            _ = curl_multi_remove_handle(multi, easy)
            curl_easy_cleanup(easy)
            transfer.continuation.resume(returning: .failure(Self.shutdownError))
        }
        active.removeAll()
        for easy in idle { curl_easy_cleanup(easy) }
        idle.removeAll()
    }
}
