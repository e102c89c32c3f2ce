import Agencies
import Delivery
import Foundation
import Messages

/// Turns configured destinations into the deliverer's ``Delivery/Destination`` values, each with the
/// encoder (and, for portals with their own protocol, the login and answer reading) its `format` names.
struct DestinationFactory: Sendable {
    let client: HTTPClient
    /// Re-derives, per message, which steps its route to a destination requires (routing is pure).
    let router: MessageRouter
    /// The identity-check step, when a population destination is configured.
    let identity: IdentityCheck?

    /// A destination ready for the deliverer, and how to read its reference out of an answer.
    struct Built: Sendable {
        let destination: Delivery.Destination
        let reference: (@Sendable ([UInt8]) -> DeliveryReference?)?
    }

    func make(_ configured: GatewayConfig.Destination) -> Built {
        let tls = configured.tls.map {
            DestinationTLS(caFile: $0.ca, certificateFile: $0.certificate, keyFile: $0.key, pinnedPublicKey: $0.pin)
        }
        let retry = RetryPolicy(
            maxAttempts: configured.retry.maxAttempts,
            initialBackoff: .milliseconds(configured.retry.initialBackoffMs),
            maxBackoff: .milliseconds(configured.retry.maxBackoffMs),
            maxAge: .seconds(configured.retry.maxAgeHours * 3600)
        )
        let timeout = Duration.milliseconds(configured.timeoutMs)
        var encode = Self.encoder(for: configured.format)
        var interpret: (@Sendable (OutboundResponse) -> AttemptClass?)?
        var reference: (@Sendable ([UInt8]) -> DeliveryReference?)?
        if configured.format == "bhxh.portal", let credentials = configured.credentials {
            let session = SocialSecurityPortalSession(
                baseURL: configured.url, credentials: credentials, tls: tls, timeout: timeout, client: client)
            encode = { item in try await session.payload(for: item) }
            interpret = { response in session.interpret(response) }
            reference = { body in SocialSecurityPortalSession.reference(body) }
        }
        let id = configured.id
        let encodeMessage = encode
        let router = router
        let identity = identity
        encode = { item in
            if let message = item.message,
               router.route(type: message.type, attributes: message.attributes).destinations
                   .first(where: { $0.destination == id })?.steps.contains(.identityCheck) == true {
                guard let identity else {
                    throw PreparationError(reason: "identity check required but no population destination", retryable: false)
                }
                try await identity.verify(message, destination: id)
            }
            return try await encodeMessage(item)
        }
        let destination = Delivery.Destination(
            id: configured.id,
            url: configured.url,
            tls: tls,
            timeout: timeout,
            concurrency: configured.concurrency,
            retry: retry,
            breakerFailureThreshold: configured.breaker.failureThreshold,
            breakerOpenDuration: .milliseconds(configured.breaker.openMs),
            encode: encode,
            interpret: interpret
        )
        return Built(destination: destination, reference: reference)
    }

    /// The encoder for a format; a format without one dead-letters with a clear reason rather than guess.
    static func encoder(for format: String) -> @Sendable (ClaimedItem) async throws -> OutboundPayload {
        switch format {
        case "healthbook.visit":
            return Self.encoding(with: HealthBookEncoder(), for: "the e-health book")
        case "judicial.record", "justice.doj":
            return Self.encoding(with: JusticeRecordEncoder(), for: "a judicial record agency")
        case "vneid.certificate":
            return Self.encoding(with: VNeIDCertificateEncoder(), for: "VNeID")
        case "canonical.json":
            return { item in OutboundPayload(body: CanonicalEnvelope.json(try Self.message(item))) }
        default:
            return { _ in throw PreparationError(reason: "no encoder for format \(format)", retryable: false) }
        }
    }

    /// Wraps an adapter's encoder: a message it can't encode will never be encodable, so it dead-letters.
    private static func encoding(with encoder: some OutboundEncoder, for name: String)
        -> @Sendable (ClaimedItem) async throws -> OutboundPayload
    {
        { item in
            let message = try Self.message(item)
            do {
                return try encoder.encode(message)
            } catch {
                throw PreparationError(reason: "cannot encode for \(name): \(error)", retryable: false)
            }
        }
    }

    private static func message(_ item: ClaimedItem) throws -> CanonicalMessage {
        guard let message = item.message else {
            throw PreparationError(reason: "claimed item carries no message", retryable: true)
        }
        return message
    }
}
