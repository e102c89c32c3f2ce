/// Where one simulated agency listens, read from a destination URL: the port and the path.
public struct SimulatorEndpoint: Sendable, Equatable {
    /// The agency.
    public var agency: SimulatedAgency
    /// The host in the URL (the simulators bind loopback regardless).
    public var host: String
    /// The port (the scheme's default when the URL names none).
    public var port: Int
    /// The URL's path (without query); a Department of Justice template keeps `{province}`.
    public var path: String

    /// Creates an endpoint.
    public init(agency: SimulatedAgency, host: String = "127.0.0.1", port: Int, path: String) {
        self.agency = agency
        self.host = host
        self.port = port
        self.path = path
    }

    /// Reads a destination URL (`https://127.0.0.1:9105/doj/{province}/records`) for the agency that
    /// receives `format`; nil if the format is not simulated or the URL is not `http(s)://host[:port]/path`.
    public init?(url: String, format: String) {
        guard let agency = SimulatedAgency(format: format) else { return nil }
        let scheme: String
        let rest: Substring
        if url.hasPrefix("https://") {
            scheme = "https"
            rest = url.dropFirst(8)
        } else if url.hasPrefix("http://") {
            scheme = "http"
            rest = url.dropFirst(7)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        var path = String(rest.dropFirst(authority.count))
        if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
        var host = String(authority)
        var port = scheme == "https" ? 443 : 80
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                return nil
            }
            port = number
            host = String(authority[..<colon])
        }
        guard !host.isEmpty else { return nil }
        self.init(agency: agency, host: host, port: port, path: path.isEmpty ? "/" : path)
    }
}
