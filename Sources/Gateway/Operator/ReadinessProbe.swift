import Foundation
import Store

/// Answers `/readyz`: the store takes a write (a claim on a destination that cannot exist goes through the
/// writer's transaction), and no configured certificate has expired. A certificate expiring within
/// ``warningDays`` adds a `warning` without failing readiness.
struct ReadinessProbe: Sendable {
    /// Days before expiry that a certificate starts to warn.
    static let warningDays = 30
    /// A destination id config cannot declare (ids are `[a-z0-9-]+`), so the probe claims nothing.
    static let probeDestination = "_readyz_probe"

    let store: any MessageStore
    /// The certificates read at start: path and expiry (unreadable ones are reported by name).
    let certificates: [(path: String, notAfter: Date?)]

    init(store: any MessageStore, config: GatewayConfig) {
        var paths: [String] = []
        for listener in config.listeners { if let path = listener.tls?.certificate { paths.append(path) } }
        for destination in config.expandedDestinations {
            if let path = destination.tls?.certificate { paths.append(path) }
        }
        self.init(store: store, certificatePaths: paths)
    }

    /// A probe over explicit certificate files (read once, here).
    init(store: any MessageStore, certificatePaths: [String]) {
        self.store = store
        var seen = Set<String>()
        certificates = certificatePaths.filter { seen.insert($0).inserted }.map { path in
            (path, try? CertificateInfo.read(path: path).notAfter)
        }
    }

    func check(now: Date = Date()) async -> (ready: Bool, detail: [String: String]) {
        var ready = true
        var detail: [String: String] = [:]
        do {
            _ = try await store.claim(destination: Self.probeDestination, limit: 1, lease: .seconds(1), now: now)
            detail["store"] = "ok"
        } catch {
            ready = false
            detail["store"] = "unavailable: \(error.code)"
        }
        var expired: [String] = []
        var expiring: [String] = []
        for certificate in certificates {
            guard let notAfter = certificate.notAfter else {
                expired.append("\(certificate.path) (unreadable)")
                continue
            }
            let days = Int((notAfter.timeIntervalSince(now) / 86_400).rounded(.down))
            if notAfter <= now {
                expired.append(certificate.path)
            } else if days < Self.warningDays {
                expiring.append("\(certificate.path) expires in \(days) days")
            }
        }
        if expired.isEmpty {
            detail["certificates"] = "ok"
        } else {
            ready = false
            detail["certificates"] = "expired: " + expired.joined(separator: ", ")
        }
        if !expiring.isEmpty { detail["warning"] = "certificate " + expiring.joined(separator: "; ") }
        return (ready, detail)
    }
}
