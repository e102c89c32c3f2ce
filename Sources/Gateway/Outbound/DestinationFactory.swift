import Agencies
import Delivery
import Foundation
import Messages

/// Turns configured destinations into the deliverer's ``Delivery/Destination`` values, each with the
/// encoder its `format` names.
struct DestinationFactory: Sendable {
    /// The wire formats this build can produce.
    static let formats: Set<String> = ["canonical.json", "healthbook.visit"]

    let config: GatewayConfig

    func make(_ destination: GatewayConfig.Destination) -> Delivery.Destination {
        let tls = destination.tls.map {
            DestinationTLS(caFile: $0.ca, certificateFile: $0.certificate, keyFile: $0.key, pinnedPublicKey: $0.pin)
        }
        let retry = RetryPolicy(
            maxAttempts: destination.retry.maxAttempts,
            initialBackoff: .milliseconds(destination.retry.initialBackoffMs),
            maxBackoff: .milliseconds(destination.retry.maxBackoffMs),
            maxAge: .seconds(destination.retry.maxAgeHours * 3600)
        )
        return Delivery.Destination(
            id: destination.id,
            url: destination.url,
            tls: tls,
            timeout: .milliseconds(destination.timeoutMs),
            concurrency: destination.concurrency,
            retry: retry,
            breakerFailureThreshold: destination.breaker.failureThreshold,
            breakerOpenDuration: .milliseconds(destination.breaker.openMs),
            encode: Self.encoder(for: destination.format)
        )
    }

    /// The encoder for a format; unknown formats dead-letter with a clear reason rather than guess.
    static func encoder(for format: String) -> @Sendable (ClaimedItem) async throws -> OutboundPayload {
        switch format {
        case "healthbook.visit":
            let encoder = HealthBookEncoder()
            return { item in try encoder.encode(try Self.message(item)) }
        case "canonical.json":
            return { item in
                let message = try Self.message(item)
                return OutboundPayload(body: CanonicalEnvelope.json(message))
            }
        default:
            return { _ in throw PreparationError(reason: "no encoder for format \(format)", retryable: false) }
        }
    }

    private static func message(_ item: ClaimedItem) throws -> CanonicalMessage {
        guard let message = item.message else {
            throw PreparationError(reason: "claimed item carries no message", retryable: true)
        }
        return message
    }
}
