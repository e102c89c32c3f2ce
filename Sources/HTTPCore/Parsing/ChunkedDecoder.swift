/// An incremental, strict decoder for `Transfer-Encoding: chunked` bodies (RFC 9112 §7.1).
///
/// Sizes are 1–16 hex digits with no sign or whitespace; chunk extensions (`;name=value`) are accepted and
/// ignored; every chunk's data must be followed by CRLF; trailer fields are parsed under the header rules and
/// kept in ``trailers`` (the server drops them). The decoder consumes only whole lines, so the caller keeps any
/// unconsumed bytes and calls again with more.
public struct ChunkedDecoder: Sendable {
    /// The outcome of one ``decode(_:from:to:into:)`` call.
    public enum Step: Sendable, Equatable {
        /// `consumed` bytes were used; more are needed.
        case incomplete(consumed: Int)
        /// The body ended after `consumed` bytes (including the trailer section).
        case complete(consumed: Int)
        /// The body is malformed (400) or too large (413).
        case failure(HTTPParseFailure)
    }

    private enum State: Sendable {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailers
        case done
    }

    /// The largest chunk-size line (size plus extensions) accepted.
    public static let maxSizeLineBytes = 4096

    private var state: State = .size
    private let maxBodyBytes: Int
    private let maxTrailerBytes: Int
    private var decodedBytes = 0
    private var trailerBytes = 0
    /// Trailer fields seen so far.
    public private(set) var trailers = HTTPHeaders()

    /// Creates a decoder for one body.
    ///
    /// - Parameters:
    ///   - maxBodyBytes: Decoded bodies larger than this fail with 413.
    ///   - maxTrailerBytes: Trailer sections larger than this fail with 431.
    public init(maxBodyBytes: Int, maxTrailerBytes: Int = 16_384) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTrailerBytes = maxTrailerBytes
    }

    /// Decodes as much of `bytes[from..<to]` as possible, appending data to `body`.
    public mutating func decode(
        _ bytes: UnsafeBufferPointer<UInt8>,
        from: Int,
        to: Int,
        into body: inout [UInt8]
    ) -> Step {
        precondition(from >= 0 && from <= to && to <= bytes.count, "invariant: range inside buffer")
        var i = from
        while true {
            switch state {
            case .done:
                return .complete(consumed: i - from)
            case .size:
                switch findLine(bytes, i, to, maxLength: Self.maxSizeLineBytes) {
                case .incomplete: return .incomplete(consumed: i - from)
                case .failure(let failure): return .failure(failure)
                case .line(let end):
                    var j = i
                    var size = 0
                    while j < end, let v = ByteClass.hexValue(bytes[j]) {
                        guard j - i < 16 else {
                            return .failure(HTTPParseFailure(status: 400, reason: "chunk size too long"))
                        }
                        size = size << 4 | v
                        // Checked per digit, so the size never overflows.
                        guard size <= maxBodyBytes - decodedBytes else {
                            return .failure(HTTPParseFailure(status: 413, reason: "body exceeds \(maxBodyBytes) bytes"))
                        }
                        j += 1
                    }
                    guard j > i else { return .failure(HTTPParseFailure(status: 400, reason: "malformed chunk size")) }
                    if j < end {
                        guard bytes[j] == UInt8(ascii: ";") else {
                            return .failure(HTTPParseFailure(status: 400, reason: "malformed chunk size"))
                        }
                        for k in (j + 1)..<end where !ByteClass.isFieldValueByte(bytes[k]) {
                            return .failure(HTTPParseFailure(status: 400, reason: "control character in chunk extension"))
                        }
                    }
                    i = end + 2
                    state = size == 0 ? .trailers : .data(remaining: size)
                }
            case .data(let remaining):
                let n = min(remaining, to - i)
                if n > 0 {
                    body.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<(i + n)]))
                    decodedBytes += n
                    i += n
                }
                if n == remaining {
                    state = .dataEnd
                } else {
                    state = .data(remaining: remaining - n)
                    return .incomplete(consumed: i - from)
                }
            case .dataEnd:
                guard to - i >= 2 else {
                    if to - i == 1, bytes[i] != ByteClass.cr {
                        return .failure(HTTPParseFailure(status: 400, reason: "chunk data not followed by CRLF"))
                    }
                    return .incomplete(consumed: i - from)
                }
                guard bytes[i] == ByteClass.cr, bytes[i + 1] == ByteClass.lf else {
                    return .failure(HTTPParseFailure(status: 400, reason: "chunk data not followed by CRLF"))
                }
                i += 2
                state = .size
            case .trailers:
                switch findLine(bytes, i, to, maxLength: maxTrailerBytes - trailerBytes) {
                case .incomplete: return .incomplete(consumed: i - from)
                case .failure(let failure): return .failure(failure)
                case .line(let end):
                    trailerBytes += end + 2 - i
                    if end == i {
                        i += 2
                        state = .done
                        continue
                    }
                    switch HTTPRequestParser.parseFieldLine(bytes, i, end) {
                    case .failure(let failure): return .failure(failure)
                    case .success(let (name, value)): trailers.add(name, value)
                    }
                    i = end + 2
                }
            }
        }
    }

    private var inTrailers: Bool {
        if case .trailers = state { return true }
        return false
    }

    private enum LineSearch {
        case incomplete
        case line(end: Int)
        case failure(HTTPParseFailure)
    }

    /// Finds the CR of the CRLF ending the line at `start`; bare CR, bare LF and NUL fail.
    private func findLine(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ to: Int, maxLength: Int) -> LineSearch {
        var i = start
        while i < to {
            let b = bytes[i]
            if i - start >= maxLength {
                let status = inTrailers ? 431 : 400
                return .failure(HTTPParseFailure(status: status, reason: "chunk line or trailer section too long"))
            }
            if b == 0 { return .failure(HTTPParseFailure(status: 400, reason: "NUL in chunked framing")) }
            if b == ByteClass.lf { return .failure(HTTPParseFailure(status: 400, reason: "bare LF in chunked framing")) }
            if b == ByteClass.cr {
                guard i + 1 < to else { return .incomplete }
                guard bytes[i + 1] == ByteClass.lf else {
                    return .failure(HTTPParseFailure(status: 400, reason: "bare CR in chunked framing"))
                }
                return .line(end: i)
            }
            i += 1
        }
        return .incomplete
    }
}
