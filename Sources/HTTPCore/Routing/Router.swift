/// A tiny method + path router. Patterns are `/`-separated literal segments or `{name}` parameters;
/// literal segments win over parameters, so `/v1/messages/search` beats `/v1/messages/{id}`.
///
/// `HEAD` falls back to a `GET` route. A path that matches with another method gives 405 with `Allow`;
/// no match at all gives 404.
public struct Router<Key: Sendable>: Sendable {
    private struct Route: Sendable {
        var method: String
        var pattern: String
        var segments: [Segment]
        var key: Key
    }

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    private var routes: [Route] = []

    /// Creates an empty router.
    public init() {}

    /// Registers `key` for `method` and `pattern`; a later duplicate is ignored.
    ///
    /// - Parameters:
    ///   - method: e.g. `POST`.
    ///   - pattern: e.g. `/v1/messages/{id}`.
    ///   - key: What ``lookup(method:path:)`` returns for a match.
    public mutating func add(_ method: String, _ pattern: String, _ key: Key) {
        let segments = Self.split(pattern).map { part -> Segment in
            if part.hasPrefix("{") && part.hasSuffix("}") && part.count > 2 {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(part)
        }
        guard !routes.contains(where: { $0.method == method && $0.segments == segments }) else { return }
        routes.append(Route(method: method, pattern: pattern, segments: segments, key: key))
    }

    /// Finds the route for a request.
    ///
    /// - Parameters:
    ///   - method: The request method.
    ///   - path: The path without the query.
    /// - Returns: The match, or a 404 / 405 (with `Allow`) ``Problem``.
    public func lookup(method: String, path: String) -> Result<RouteMatch<Key>, Problem> {
        let parts = Self.split(path)
        var best: (route: Route, params: [String: String], score: Int)?
        var allowed: [String] = []
        for route in routes {
            guard let (params, score) = Self.match(route.segments, parts) else { continue }
            if !allowed.contains(route.method) { allowed.append(route.method) }
            guard route.method == method || (method == "HEAD" && route.method == "GET") else { continue }
            // Exact method beats the HEAD→GET fallback; more literal segments beat parameters.
            let total = score * 2 + (route.method == method ? 1 : 0)
            if best.map({ total > $0.score }) ?? true { best = (route, params, total) }
        }
        if let best {
            return .success(RouteMatch(key: best.route.key, parameters: best.params, pattern: best.route.pattern))
        }
        if allowed.isEmpty {
            return .failure(Problem(status: 404, detail: "no route for \(path)"))
        }
        if allowed.contains("GET") && !allowed.contains("HEAD") { allowed.append("HEAD") }
        return .failure(
            Problem(
                status: 405,
                detail: "\(method) is not allowed on \(path)",
                headers: [("Allow", allowed.joined(separator: ", "))]
            )
        )
    }

    private static func split(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
    }

    private static func match(_ segments: [Segment], _ parts: [String]) -> ([String: String], Int)? {
        guard segments.count == parts.count else { return nil }
        var params: [String: String] = [:]
        var literals = 0
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let text):
                guard text == part else { return nil }
                literals += 1
            case .parameter(let name):
                guard !part.isEmpty else { return nil }
                // In paths `+` is literal, unlike in queries.
                params[name] = PercentDecoding.decode(part.split(separator: "+", omittingEmptySubsequences: false).joined(separator: "%2B"))
            }
        }
        return (params, literals)
    }
}
