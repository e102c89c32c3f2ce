import Agencies
import Delivery
import Foundation
import Messages
import Synchronization

/// The National Population Database as the gateway reaches it: `GET {url}/{id}` over mTLS, with a short
/// cache so that a burst of visits for one citizen costs one lookup.
final class PopulationDirectory: Sendable {
    /// What a lookup found.
    enum Lookup: Sendable {
        case found(PopulationRecord, raw: [UInt8])
        case unknown
    }

    /// The registry could not answer (down, timeout, 5xx): callers must wait, never decide.
    struct Unreachable: Error, CustomStringConvertible {
        let description: String
    }

    private struct Cached {
        let lookup: Lookup
        let expires: Date
    }

    private let baseURL: String
    private let tls: DestinationTLS?
    private let timeout: Duration
    private let client: HTTPClient
    private let ttl: TimeInterval
    private let cache = Mutex<[String: Cached]>([:])
    private static let maxCached = 10_000

    init(destination: GatewayConfig.Destination, client: HTTPClient, ttl: TimeInterval = 60) {
        baseURL = destination.url.hasSuffix("/") ? String(destination.url.dropLast()) : destination.url
        tls = destination.tls.map {
            DestinationTLS(caFile: $0.ca, certificateFile: $0.certificate, keyFile: $0.key, pinnedPublicKey: $0.pin)
        }
        timeout = .milliseconds(destination.timeoutMs)
        self.client = client
        self.ttl = ttl
    }

    /// Looks a citizen up, from the cache when fresh.
    ///
    /// - Throws: ``Unreachable`` when the registry did not give an answer.
    func lookup(_ citizenId: String, correlationId: String) async throws(Unreachable) -> Lookup {
        let now = Date()
        if let cached = cache.withLock({ $0[citizenId] }), cached.expires > now { return cached.lookup }
        guard citizenId.utf8.count == 12, citizenId.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return .unknown }
        let request = OutboundRequest(
            url: baseURL + "/" + citizenId, method: "GET",
            headers: [("Accept", "application/json"), ("X-Correlation-Id", correlationId)],
            timeout: timeout, tls: tls)
        let lookup: Lookup
        switch await client.send(request) {
        case .failure(let error):
            throw Unreachable(description: "population database: \(error)")
        case .success(let response) where response.status == 404:
            lookup = .unknown
        case .success(let response) where response.status == 200:
            do {
                lookup = .found(try PopulationRecord.decode(response.body), raw: response.body)
            } catch {
                throw Unreachable(description: "population database: unreadable answer (\(error))")
            }
        case .success(let response):
            throw Unreachable(description: "population database: HTTP \(response.status)")
        }
        cache.withLock { cache in
            if cache.count >= Self.maxCached { cache.removeAll(keepingCapacity: true) }
            cache[citizenId] = Cached(lookup: lookup, expires: now.addingTimeInterval(ttl))
        }
        return lookup
    }
}
