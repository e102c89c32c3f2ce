/// The strict HTTP/1.1 request parser: pure functions over bytes, no I/O, no state between calls.
///
/// Rules (TECH.md §3.2): CRLF only; no NUL, bare CR/LF or obs-fold; `tchar` methods and header names directly
/// followed by `:`; HTTP/1.1 and HTTP/1.0 only (other 1.x → 505); exactly one `Host` in HTTP/1.1; strict
/// `Content-Length`; `Transfer-Encoding` only as a single `chunked` (else 501) and never with `Content-Length`.
public enum HTTPRequestParser {
    /// Parses one request head starting at `from`.
    ///
    /// - Parameters:
    ///   - bytes: The buffer.
    ///   - from: Where the request starts.
    ///   - to: The end of the valid bytes.
    ///   - maxHeadBytes: Heads longer than this fail with 431.
    /// - Returns: ``HeadParseResult``; on `.head`, `consumed` counts from `from`.
    public static func parseHead(
        _ bytes: UnsafeBufferPointer<UInt8>,
        from: Int,
        to: Int,
        maxHeadBytes: Int
    ) -> HeadParseResult {
        precondition(from >= 0 && from <= to && to <= bytes.count, "invariant: range inside buffer")
        // RFC 9112 §2.2: ignore empty lines before the request line (some clients send CRLF after a body).
        var start = from
        while start + 1 < to, start - from < maxHeadBytes, bytes[start] == ByteClass.cr, bytes[start + 1] == ByteClass.lf { start += 2 }
        if start < to, bytes[start] == ByteClass.cr, start + 1 == to { return .incomplete }
        let limit = min(to, from + maxHeadBytes)
        // Find the blank line, validating line endings on the way.
        var i = start
        var lineStart = start
        var lines: [(Int, Int)] = []
        var end = -1
        while i < limit {
            let b = bytes[i]
            if b == 0 { return .failure(HTTPParseFailure(status: 400, reason: "NUL byte in head")) }
            if b == ByteClass.lf { return .failure(HTTPParseFailure(status: 400, reason: "bare LF in head")) }
            if b == ByteClass.cr {
                guard i + 1 < limit else { break }
                guard bytes[i + 1] == ByteClass.lf else {
                    return .failure(HTTPParseFailure(status: 400, reason: "bare CR in head"))
                }
                if i == lineStart {
                    end = i + 2
                    break
                }
                lines.append((lineStart, i))
                i += 2
                lineStart = i
                continue
            }
            i += 1
        }
        if end < 0 {
            if to - from >= maxHeadBytes {
                return .failure(HTTPParseFailure(status: 431, reason: "request head exceeds \(maxHeadBytes) bytes"))
            }
            // A complete-line error can be reported before the head is complete.
            return .incomplete
        }
        guard let first = lines.first else {
            return .failure(HTTPParseFailure(status: 400, reason: "empty request line"))
        }
        switch parseHeadLines(bytes, requestLine: first, fieldLines: lines.dropFirst()) {
        case .success(let head): return .head(head, consumed: end - from)
        case .failure(let failure): return .failure(failure)
        }
    }

    /// Parses one whole request (head and body) starting at `from`, as the server does with pipelined input.
    ///
    /// - Returns: ``HTTPParseResult``; on `.request`, `consumed` counts from `from`.
    public static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>,
        from: Int,
        to: Int,
        limits: ParserLimits = ParserLimits()
    ) -> HTTPParseResult {
        switch parseHead(bytes, from: from, to: to, maxHeadBytes: limits.maxHeadBytes) {
        case .incomplete: return .incomplete
        case .failure(let failure): return .failure(failure)
        case .head(let head, let headBytes):
            let bodyStart = from + headBytes
            switch head.framing {
            case .none:
                return .request(head, body: [], consumed: headBytes)
            case .contentLength(let length):
                if length > limits.maxBodyBytes {
                    return .failure(HTTPParseFailure(status: 413, reason: "body exceeds \(limits.maxBodyBytes) bytes"))
                }
                guard to - bodyStart >= length else { return .incomplete }
                let body = Array(UnsafeBufferPointer(rebasing: bytes[bodyStart..<(bodyStart + length)]))
                return .request(head, body: body, consumed: headBytes + length)
            case .chunked:
                var decoder = ChunkedDecoder(maxBodyBytes: limits.maxBodyBytes, maxTrailerBytes: limits.maxHeadBytes)
                var body: [UInt8] = []
                switch decoder.decode(bytes, from: bodyStart, to: to, into: &body) {
                case .incomplete: return .incomplete
                case .failure(let failure): return .failure(failure)
                case .complete(let consumed): return .request(head, body: body, consumed: headBytes + consumed)
                }
            }
        }
    }

    /// Parses one request from a byte array (tests, tools).
    public static func parse(_ bytes: [UInt8], limits: ParserLimits = ParserLimits()) -> HTTPParseResult {
        bytes.withUnsafeBufferPointer { parse($0, from: 0, to: $0.count, limits: limits) }
    }

    private static func parseHeadLines(
        _ bytes: UnsafeBufferPointer<UInt8>,
        requestLine: (Int, Int),
        fieldLines: ArraySlice<(Int, Int)>
    ) -> Result<HTTPRequestHead, HTTPParseFailure> {
        // Request line: method SP target SP version.
        let (ls, le) = requestLine
        var i = ls
        while i < le, ByteClass.isTchar(bytes[i]) { i += 1 }
        guard i > ls, i < le, bytes[i] == ByteClass.sp else {
            return .failure(HTTPParseFailure(status: 400, reason: "malformed method"))
        }
        let method = string(bytes, ls, i)
        i += 1
        let targetStart = i
        while i < le, ByteClass.isTargetByte(bytes[i]) { i += 1 }
        guard i > targetStart, i < le, bytes[i] == ByteClass.sp else {
            return .failure(HTTPParseFailure(status: 400, reason: "malformed request target"))
        }
        let target = string(bytes, targetStart, i)
        i += 1
        let version: String
        switch versionOf(bytes, i, le) {
        case .success(let v): version = v
        case .failure(let failure): return .failure(failure)
        }

        var headers = HTTPHeaders()
        var hostCount = 0
        var contentLength: String?
        var transferEncodings: [String] = []
        var connectionClose = false
        var connectionKeepAlive = false
        var expectContinue = false
        for (s, e) in fieldLines {
            let field: (String, String)
            switch parseFieldLine(bytes, s, e) {
            case .success(let f): field = f
            case .failure(let failure): return .failure(failure)
            }
            let (name, value) = field
            if name.caseInsensitiveEquals("host") {
                hostCount += 1
            } else if name.caseInsensitiveEquals("content-length") {
                guard !value.isEmpty, value.utf8.count <= 12, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    return .failure(HTTPParseFailure(status: 400, reason: "invalid Content-Length"))
                }
                if let previous = contentLength, previous != value {
                    return .failure(HTTPParseFailure(status: 400, reason: "conflicting Content-Length values"))
                }
                contentLength = value
            } else if name.caseInsensitiveEquals("transfer-encoding") {
                transferEncodings.append(value)
            } else if name.caseInsensitiveEquals("connection") {
                for token in value.split(separator: ",") {
                    let t = token.trimmingSpaces()
                    if t.caseInsensitiveEquals("close") { connectionClose = true }
                    if t.caseInsensitiveEquals("keep-alive") { connectionKeepAlive = true }
                }
            } else if name.caseInsensitiveEquals("expect") {
                expectContinue = value.caseInsensitiveEquals("100-continue")
            }
            headers.add(name, value)
        }
        if version == "1.1" && hostCount != 1 {
            return .failure(HTTPParseFailure(status: 400, reason: "HTTP/1.1 needs exactly one Host (got \(hostCount))"))
        }
        if hostCount > 1 { return .failure(HTTPParseFailure(status: 400, reason: "more than one Host")) }
        let framing: BodyFraming
        if !transferEncodings.isEmpty {
            if contentLength != nil {
                return .failure(HTTPParseFailure(status: 400, reason: "both Content-Length and Transfer-Encoding"))
            }
            if version == "1.0" {
                return .failure(HTTPParseFailure(status: 400, reason: "Transfer-Encoding in an HTTP/1.0 request"))
            }
            guard transferEncodings.count == 1, transferEncodings[0].caseInsensitiveEquals("chunked") else {
                return .failure(HTTPParseFailure(status: 501, reason: "only a single 'chunked' transfer coding is supported"))
            }
            framing = .chunked
        } else if let contentLength, let length = Int(contentLength), length > 0 {
            framing = .contentLength(length)
        } else {
            framing = .none
        }
        let keepAlive = version == "1.1" ? !connectionClose : (connectionKeepAlive && !connectionClose)
        return .success(
            HTTPRequestHead(
                method: method,
                target: target,
                version: version,
                headers: headers,
                framing: framing,
                keepAlive: keepAlive,
                expectContinue: expectContinue && version == "1.1" && framing != .none
            )
        )
    }

    private static func versionOf(_ bytes: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Result<String, HTTPParseFailure> {
        let prefix: [UInt8] = Array("HTTP/1.".utf8)
        if e - s == 8 && (0..<7).allSatisfy({ bytes[s + $0] == prefix[$0] }) {
            let minor = bytes[s + 7]
            if minor == UInt8(ascii: "1") { return .success("1.1") }
            if minor == UInt8(ascii: "0") { return .success("1.0") }
            if minor >= 0x30 && minor <= 0x39 {
                return .failure(HTTPParseFailure(status: 505, reason: "HTTP version not supported"))
            }
        }
        return .failure(HTTPParseFailure(status: 400, reason: "malformed HTTP version"))
    }

    /// Parses `name ":" OWS value OWS`; shared by header and trailer lines.
    static func parseFieldLine(_ bytes: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Result<(String, String), HTTPParseFailure> {
        if bytes[s] == ByteClass.sp || bytes[s] == ByteClass.htab {
            return .failure(HTTPParseFailure(status: 400, reason: "obsolete line folding"))
        }
        var i = s
        while i < e, ByteClass.isTchar(bytes[i]) { i += 1 }
        guard i > s, i < e, bytes[i] == ByteClass.colon else {
            return .failure(HTTPParseFailure(status: 400, reason: "malformed header field name"))
        }
        let name = string(bytes, s, i)
        var vs = i + 1
        var ve = e
        while vs < ve, bytes[vs] == ByteClass.sp || bytes[vs] == ByteClass.htab { vs += 1 }
        while ve > vs, bytes[ve - 1] == ByteClass.sp || bytes[ve - 1] == ByteClass.htab { ve -= 1 }
        for j in vs..<ve where !ByteClass.isFieldValueByte(bytes[j]) {
            return .failure(HTTPParseFailure(status: 400, reason: "control character in header value"))
        }
        return .success((name, string(bytes, vs, ve)))
    }

    @inline(__always)
    static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[s..<e]), as: UTF8.self)
    }
}
