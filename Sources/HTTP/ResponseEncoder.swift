import Glibc
import HTTPCore

/// Serialises responses: status line, handler headers (minus framing ones), `Content-Length`, `Date`,
/// `Connection`. One per loop; caches the `Date` value per second.
struct ResponseEncoder {
    private var cachedSecond: Int = -1
    private var cachedDate: [UInt8] = []

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The current IMF-fixdate, e.g. `Thu, 03 Dec 2026 18:38:23 GMT`.
    mutating func date() -> [UInt8] {
        var now = time(nil)
        if now != cachedSecond {
            cachedSecond = now
            var parts = tm()
            gmtime_r(&now, &parts)
            func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
            let text = "\(Self.days[Int(parts.tm_wday) % 7]), \(two(parts.tm_mday)) \(Self.months[Int(parts.tm_mon) % 12]) "
                + "\(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
            cachedDate = Array(text.utf8)
        }
        return cachedDate
    }

    /// Appends the wire form of `response` to `out`.
    ///
    /// - Parameters:
    ///   - close: Whether the connection closes after this response (`Connection: close`).
    ///   - keepAliveHeader: Whether to send `Connection: keep-alive` (HTTP/1.0 clients that asked for it).
    ///   - omitBody: For `HEAD`: headers as for GET, no body.
    mutating func encode(
        _ response: HTTPResponse,
        close: Bool,
        keepAliveHeader: Bool,
        omitBody: Bool,
        into out: inout [UInt8]
    ) {
        let status = (100...999).contains(response.status) ? response.status : 500
        out.append(contentsOf: "HTTP/1.1 \(status) \(HTTPResponse.reason(status))\r\n".utf8)
        for (name, value) in response.headers {
            if name.caseInsensitiveEquals("content-length") || name.caseInsensitiveEquals("connection")
                || name.caseInsensitiveEquals("transfer-encoding") || name.caseInsensitiveEquals("date")
            {
                continue
            }
            // Response splitting guard: a handler-supplied CR or LF would end the field early.
            guard Self.isSafe(name, allowSpace: false), Self.isSafe(value, allowSpace: true) else { continue }
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: [0x3A, 0x20])
            out.append(contentsOf: value.utf8)
            out.append(contentsOf: [0x0D, 0x0A])
        }
        let bodyless = status == 204 || status == 304 || status < 200
        if !bodyless {
            out.append(contentsOf: "Content-Length: \(response.body.count)\r\n".utf8)
        }
        out.append(contentsOf: "Date: ".utf8)
        out.append(contentsOf: date())
        out.append(contentsOf: [0x0D, 0x0A])
        if close {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if keepAliveHeader {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: [0x0D, 0x0A])
        if !omitBody && !bodyless { out.append(contentsOf: response.body) }
    }

    private static func isSafe(_ text: String, allowSpace: Bool) -> Bool {
        if !allowSpace && text.isEmpty { return false }
        for b in text.utf8 {
            if b == 0x09 || b == 0x20 {
                if !allowSpace { return false }
            } else if b < 0x20 || b == 0x7F {
                return false
            }
        }
        return true
    }
}
