import Foundation
import Gateway
import Messages
import Store

/// `show` and `replay`: one message's story, and delivering again, straight on the store.
extension CLI {
    /// `interchange show ID [--body] [--json]`: the message, its deliveries and its timeline.
    static func show(_ arguments: ParsedArguments) -> Int32 {
        let spec = tree.children.first { $0.spec.path.last == "show" }?.spec ?? tree.spec
        guard let text = arguments.positionals.first else { return usage }
        guard let id = MessageID(text) else {
            return usageError(UsageError("'\(text)' is not a message id (26 characters)", command: spec.commandLine),
                              spec: spec)
        }
        let wantsBody = arguments.flag("--body")
        guard let config = loadConfig(arguments, checkFiles: false), let store = openStore(config) else { return failure }
        defer { store.close() }
        let actor = cliActor
        do {
            let found = try blocking { () async throws -> (StoredMessage, [DeliveryRecord], [LogEntry])? in
                guard let stored = try await store.message(id) else { return nil }
                if wantsBody {
                    try await store.appendLog([LogEvent(messageId: id, event: "viewed", detail: #"{"body":true}"#,
                                                        actor: actor)])
                }
                return (stored, try await store.deliveries(of: id), try await store.timeline(of: id))
            }
            guard let (found, deliveries, timeline) = found else {
                printErr("no message \(id)\n")
                return failure
            }
            var stored = found
            var bodyError: String?
            if wantsBody {
                (stored.message, bodyError) = openBody(stored.message, config: config)
            }
            if arguments.flag("--json") {
                let json = OperatorJSON.message(stored, deliveries: deliveries, timeline: timeline, body: wantsBody,
                                                bodyError: bodyError)
                printOut(String(decoding: json, as: UTF8.self) + "\n")
                return ok
            }
            printOut(messageText(stored.message, wantsBody: wantsBody, bodyError: bodyError))
            printOut("\nDELIVERIES\n")
            var rows = [["DESTINATION", "STATUS", "ATTEMPTS", "LAST HTTP", "DELIVERED / NEXT", "REFERENCE", "LAST ERROR"]]
            for delivery in deliveries {
                let when = delivery.deliveredAt ?? (delivery.status == .pending ? delivery.nextAttemptAt : nil)
                rows.append([
                    delivery.destination, delivery.status.rawValue, String(delivery.attempts),
                    delivery.lastStatus.map(String.init) ?? "-", when.map(timeText) ?? "-", delivery.externalRef ?? "-",
                    short(delivery.lastError ?? "", 60),
                ])
            }
            printOut(deliveries.isEmpty ? "(routed nowhere)\n" : textTable(rows))
            printOut("\nTIMELINE\n")
            rows = [["SEQ", "TIME (UTC)", "EVENT", "DESTINATION", "ACTOR", "DETAIL"]]
            for entry in timeline {
                rows.append([
                    String(entry.seq), timeText(entry.at), entry.event, entry.destination ?? "-", entry.actor ?? "-",
                    short(entry.detail, 80),
                ])
            }
            printOut(textTable(rows))
            return ok
        } catch {
            printErr("interchange show: \(error)\n")
            return failure
        }
    }

    /// The message with its body opened with the configured keys, or why it cannot be (never a crash, never
    /// ciphertext printed as if it were the body).
    private static func openBody(_ message: CanonicalMessage, config: GatewayConfig)
        -> (message: CanonicalMessage, error: String?)
    {
        var cipher: BodyCipher?
        if let encryption = config.encryption {
            do {
                cipher = try BodyCipher(configuration: encryption)
            } catch {
                guard BodyCipher.isSealed(message.body) else { return (message, nil) }
                return (message, "body cannot be decrypted: \(error)")
            }
        }
        do {
            return (try BodyCipher.open(message, with: cipher), nil)
        } catch {
            return (message, error.description)
        }
    }

    private static func messageText(_ message: CanonicalMessage, wantsBody: Bool, bodyError: String? = nil) -> String {
        var rows = [
            ["message", message.id.rawValue],
            ["type", message.type.rawValue],
            ["sender", message.sender],
            ["key", message.idempotencyKey],
            ["received", timeText(message.receivedAt) + " UTC"],
            ["correlation", message.correlationId],
            ["sha256", message.contentHash],
        ]
        for key in message.businessKeys { rows.append(["key:\(key.kind)", key.value]) }
        for name in message.attributes.keys.sorted() { rows.append(["attr:\(name)", message.attributes[name] ?? ""]) }
        var text = textTable(rows)
        if wantsBody, let bodyError {
            text += "\nBODY (this view is logged)\n(\(bodyError))\n"
        } else if wantsBody {
            text += "\nBODY (this view is logged)\n" + String(decoding: message.body, as: UTF8.self) + "\n"
        }
        return text
    }

    /// `interchange replay ID... [--destination D]` or `interchange replay --dead-letters [--destination D]
    /// [--since T] [--until T]`: re-queues rows as pending; the running gateway's deliverer sends them at its
    /// next poll, with the same Idempotency-Key.
    static func replay(_ arguments: ParsedArguments) -> Int32 {
        let spec = tree.children.first { $0.spec.path.last == "replay" }?.spec ?? tree.spec
        let deadLetters = arguments.flag("--dead-letters")
        let ids = arguments.positionals
        if deadLetters == !ids.isEmpty {
            return usageError(UsageError("give message ids or --dead-letters (not both)", command: spec.commandLine),
                              spec: spec)
        }
        if !deadLetters && (arguments.value("--since") != nil || arguments.value("--until") != nil) {
            return usageError(UsageError("--since and --until apply to --dead-letters", command: spec.commandLine),
                              spec: spec)
        }
        var messageIDs: [MessageID] = []
        for text in ids {
            guard let id = MessageID(text) else {
                return usageError(UsageError("'\(text)' is not a message id", command: spec.commandLine), spec: spec)
            }
            messageIDs.append(id)
        }
        let since: Date?
        let until: Date?
        do {
            since = try timeOption(arguments, "--since", spec: spec)
            until = try timeOption(arguments, "--until", spec: spec)
        } catch {
            return usageError(error, spec: spec)
        }
        guard let config = loadConfig(arguments, checkFiles: false) else { return failure }
        let destination = arguments.value("--destination")
        if let destination, config.destination(id: destination) == nil {
            printErr("no destination \(destination) in the configuration\n")
            return failure
        }
        guard let store = openStore(config) else { return failure }
        defer { store.close() }
        let actor = cliActor
        do {
            if deadLetters {
                let count = try blocking {
                    try await store.replayDeadLetters(destination: destination, since: since, until: until, by: actor)
                }
                printOut("re-queued \(count) dead letter\(count == 1 ? "" : "s")\n")
                return ok
            }
            var status = ok
            for id in messageIDs {
                let count = try blocking { () async throws -> Int? in
                    guard try await store.message(id) != nil else { return nil }
                    return try await store.replay(id, destination: destination, by: actor)
                }
                if let count {
                    printOut("\(id): re-queued \(count) deliver\(count == 1 ? "y" : "ies")\n")
                } else {
                    printErr("\(id): no such message\n")
                    status = failure
                }
            }
            return status
        } catch {
            printErr("interchange replay: \(error)\n")
            return failure
        }
    }
}
