import Delivery
import Foundation
import HTTPCore
import Messages
import Store

/// The deliverer's view of the store: claims leased rows and records each attempt with its log events
/// in one transaction, so the routing log and the outbox never disagree.
///
/// Sealed bodies are opened here, before any encoder sees them; a body that cannot be opened dead-letters its
/// delivery at once with the reason. Outcome text (errors, reasons, the partner's answer) is masked before it
/// is stored: no citizen ID number or name of the message reaches the log or the outbox unmasked.
struct StoreOutboxSource: OutboxSource {
    let store: any MessageStore
    /// Pulls a destination's own reference (e.g. BHXH `maGiaoDich`) out of a successful answer.
    let references: [String: @Sendable ([UInt8]) -> DeliveryReference?]
    /// Counts attempts and their latencies for `/metrics`.
    var metrics: Metrics? = nil
    /// Opens sealed bodies; nil when encryption is off (a sealed body then cannot be opened).
    var cipher: BodyCipher? = nil
    /// Names and ID numbers of messages in flight, to mask outcome text.
    let personal = PersonalValueCache()

    func claim(destination: String, limit: Int, lease: Duration) async throws -> [ClaimedItem] {
        let items = try await store.claim(destination: destination, limit: limit, lease: lease, now: Date())
        var claimed: [ClaimedItem] = []
        var undecryptable: [AttemptOutcome] = []
        for item in items {
            let message: CanonicalMessage
            do {
                message = try BodyCipher.open(item.message, with: cipher)
            } catch {
                let reason = error.description
                undecryptable.append(AttemptOutcome(
                    item: item, disposition: .dead(reason: reason),
                    events: [LogEvent(event: "dead_lettered", detail: Self.reasonJSON(reason))]))
                continue
            }
            personal.remember(message)
            claimed.append(ClaimedItem(
                messageId: message.id,
                destination: item.destination,
                attempt: max(0, item.attempt - 1),
                receivedAt: message.receivedAt,
                correlationId: message.correlationId,
                messageType: message.type.rawValue,
                payload: OutboundPayload(body: message.body),
                claimToken: item.claimToken,
                message: message
            ))
        }
        if !undecryptable.isEmpty {
            // Retrying would never help, and sending ciphertext would deliver garbage: dead-letter now.
            try await store.complete(undecryptable)
            metrics?.recordDeliveries(undecryptable.map { ($0.destination, "dead", nil) })
        }
        return claimed
    }

    func complete(_ completions: [Completion]) async throws {
        let outcomes = completions.map(outcome)
        try await store.complete(outcomes)
        for completion in completions { personal.forget(completion.messageId) }
        metrics?.recordDeliveries(completions.compactMap(Self.metricsOutcome))
    }

    private func outcome(_ completion: Completion) -> AttemptOutcome {
        let hidden = personal.values(of: completion.messageId)
        var completion = completion
        completion.error = completion.error.map { PersonalDataMask.text($0, hiding: hidden) }
        if case .deadLetter(let reason) = completion.outcome {
            completion.outcome = .deadLetter(reason: PersonalDataMask.text(reason, hiding: hidden))
        }
        // The reference is read from the answer as received; only what is stored is masked.
        let response = completion.responseBody.isEmpty ? nil
            : PersonalDataMask.text(String(decoding: completion.responseBody.prefix(4096), as: UTF8.self), hiding: hidden)
        var events: [LogEvent] = []
        let disposition: AttemptOutcome.Disposition
        var reference: DeliveryReference?
        if case .postponed = completion.outcome {
            // No request went out; only the new due time is recorded.
        } else {
            events.append(LogEvent(at: completion.startedAt, event: "attempt", detail: Self.attemptJSON(completion)))
        }
        switch completion.outcome {
        case .delivered:
            disposition = .delivered(at: completion.finishedAt)
            reference = references[completion.destination]?(completion.responseBody)
            events.append(LogEvent(at: completion.finishedAt, event: "delivered", detail: Self.deliveredJSON(reference)))
        case .retry(let at):
            disposition = .retry(at: at)
            events.append(LogEvent(at: completion.finishedAt, event: "retry_scheduled", detail: Self.retryJSON(at, reason: nil)))
        case .postponed(let until):
            disposition = .retry(at: until)
            events.append(LogEvent(at: completion.finishedAt, event: "retry_scheduled",
                                   detail: Self.retryJSON(until, reason: completion.error)))
        case .deadLetter(let reason):
            disposition = .dead(reason: reason)
            events.append(LogEvent(at: completion.finishedAt, event: "dead_lettered", detail: Self.reasonJSON(reason)))
        }
        return AttemptOutcome(
            messageId: completion.messageId,
            destination: completion.destination,
            claimToken: completion.claimToken,
            disposition: disposition,
            statusCode: completion.status,
            error: completion.error,
            response: response,
            externalRef: reference?.id,
            events: events
        )
    }

    /// The `interchange_deliveries_total` outcome of a completion; nil when no request went out.
    private static func metricsOutcome(_ completion: Completion) -> (destination: String, outcome: String, seconds: Double?)? {
        let outcome: String
        switch completion.outcome {
        case .delivered: outcome = "delivered"
        case .retry: outcome = "retry"
        case .deadLetter: outcome = "dead"
        case .postponed: return nil
        }
        return (completion.destination, outcome, completion.latencyMs.map { $0 / 1000 })
    }

    private static func attemptJSON(_ completion: Completion) -> String {
        var json = JSONWriter()
        json.object { o in
            o.field("attempt", completion.attempt)
            if let status = completion.status { o.field("status", status) }
            if let latency = completion.latencyMs { o.field("latency_ms", (latency * 10).rounded() / 10) }
            if let error = completion.error { o.field("error", error) }
        }
        return json.string
    }

    private static func deliveredJSON(_ reference: DeliveryReference?) -> String {
        var json = JSONWriter()
        json.object { o in
            if let reference {
                o.field("external_ref", reference.id)
                for (name, value) in reference.details { o.field(name, value) }
            }
        }
        return json.string
    }

    private static func retryJSON(_ at: Date, reason: String?) -> String {
        var json = JSONWriter()
        json.object { o in
            o.field("next_attempt_at", Timestamp.iso(at))
            if let reason { o.field("reason", reason) }
        }
        return json.string
    }

    private static func reasonJSON(_ reason: String) -> String {
        var json = JSONWriter()
        json.object { o in o.field("reason", reason) }
        return json.string
    }
}
