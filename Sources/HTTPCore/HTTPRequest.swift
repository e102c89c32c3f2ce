/// A complete HTTP request as handed to a handler: head parsed, body de-framed.
public struct HTTPRequest: Sendable {
    /// The method token, e.g. `POST`.
    public var method: String
    /// The request target as sent, e.g. `/v1/log?since=2026-01-01`.
    public var target: String
    /// `1.1` or `1.0`.
    public var version: String
    /// Header fields in arrival order.
    public var headers: HTTPHeaders
    /// The body (Content-Length or de-chunked).
    public var body: [UInt8]
    /// Facts about the connection the request came on.
    public var connection: ConnectionInfo

    /// Creates a request.
    public init(
        method: String,
        target: String,
        version: String = "1.1",
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        connection: ConnectionInfo = ConnectionInfo()
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.connection = connection
    }

    /// The path part of the target, without the query.
    public var path: String {
        if let q = target.firstIndex(of: "?") { return String(target[..<q]) }
        return target
    }

    /// The query parameters, percent-decoded; `+` is a space.
    public var query: [(String, String)] {
        guard let q = target.firstIndex(of: "?") else { return [] }
        return target[target.index(after: q)...].split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentDecoding.decode(String(parts[0]))
            let value = parts.count > 1 ? PercentDecoding.decode(String(parts[1])) : ""
            return (name, value)
        }
    }

    /// The media type of `Content-Type`, lowercased, without parameters.
    public var mediaType: String {
        guard let value = headers["Content-Type"] else { return "" }
        let media = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return media.trimmingSpaces().lowercased()
    }
}

/// What the transport knows about the connection a request arrived on.
public struct ConnectionInfo: Sendable, Equatable {
    /// The peer address, e.g. `127.0.0.1:53422`.
    public var peer: String
    /// Whether the connection is TLS.
    public var isTLS: Bool
    /// The negotiated protocol, e.g. `TLSv1.3`.
    public var tlsVersion: String?
    /// Lowercase hex SHA-256 of the verified client certificate (DER), if one was presented and verified.
    public var clientCertificateSHA256: String?
    /// The verified client certificate's subject, one line.
    public var clientSubject: String?

    /// Creates connection info.
    public init(
        peer: String = "",
        isTLS: Bool = false,
        tlsVersion: String? = nil,
        clientCertificateSHA256: String? = nil,
        clientSubject: String? = nil
    ) {
        self.peer = peer
        self.isTLS = isTLS
        self.tlsVersion = tlsVersion
        self.clientCertificateSHA256 = clientCertificateSHA256
        self.clientSubject = clientSubject
    }
}

/// Percent-decoding for query strings.
public enum PercentDecoding {
    /// Decodes `%XX` escapes and `+`; malformed escapes are kept as written.
    public static func decode(_ text: String) -> String {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and tabs.
    public func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
