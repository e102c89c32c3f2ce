import Foundation
@testable import Gateway
import Messages
import Testing

/// Retention in a running gateway: with a clock 400 days ahead every finished message is past both limits, so
/// the job prunes bodies and metadata in small batches while agencies keep posting, and ingest keeps answering 202.
@Suite(.serialized) struct RetentionJobTests {
    @Test func ingestKeepsAnswering202WhileRetentionPrunes() async throws {
        let gateway = try GatewayHarness(retention: #"{"metadataDays": 2, "bodyDays": 1, "batchSize": 5}"#)
        let schedule = RetentionJob.Schedule(
            interval: .milliseconds(100),
            pause: .milliseconds(2),
            now: { Date().addingTimeInterval(400 * 86_400) }
        )
        try gateway.startInProcess(retentionSchedule: schedule)
        let runtime = try #require(gateway.runtime)

        var statuses: [Int] = []
        var ids: [String] = []
        var prunedWhilePosting = 0
        for wave in 0..<4 {
            let answers = await withTaskGroup(of: [(Int, String)].self) { group in
                for sender in 0..<8 {
                    group.addTask {
                        var out: [(Int, String)] = []
                        for index in 0..<8 {
                            let (status, body, _) = await gateway.send(
                                "/v1/test/notes", body: #"{"key":"ret-\#(wave)-\#(sender)-\#(index)","text":"x"}"#)
                            out.append((status, body))
                        }
                        return out
                    }
                }
                var all: [(Int, String)] = []
                for await part in group { all += part }
                return all
            }
            statuses += answers.map(\.0)
            ids += answers.compactMap { gateway.json($0.1)["id"] as? String }
            // Let deliveries finish and a retention pass or two run before the next wave.
            try await Task.sleep(for: .milliseconds(400))
            if wave < 3 {
                let counts = runtime.retention.counts
                prunedWhilePosting = counts.bodies + counts.metadata
            }
        }
        #expect(statuses.count == 256)
        #expect(statuses.allSatisfy { $0 == 202 }, "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
        #expect(prunedWhilePosting > 0)  // pruning ran between and during the waves, not only after them

        // In the end every message is delivered, then emptied and deleted, and the log still verifies.
        let first = try #require(ids.first.flatMap(MessageID.init))
        let last = try #require(ids.last.flatMap(MessageID.init))
        let store = runtime.store
        let gone = await gateway.eventually(timeout: .seconds(30)) {
            let a = try? await store.message(first)
            let b = try? await store.message(last)
            return a == nil && b == nil
        }
        #expect(gone)
        await runtime.retention.stop()  // so the counts below stay put while the metrics are scraped
        let counts = runtime.retention.counts
        // A message delivered between a pass's body loop and its metadata loop is deleted with its body.
        #expect(counts.bodies > 0 && counts.bodies <= 256)
        #expect(counts.metadata >= 256)  // every message, plus log entries
        #expect(counts.failures == 0, "\(counts.lastError ?? "")")
        let verified = try await runtime.store.verifyLog()
        #expect(verified.ok, "\(verified)")
        let (_, metrics, _) = await gateway.sendOperator("/metrics")
        #expect(metrics.contains(#"interchange_retention_pruned_total{what="bodies"} \#(counts.bodies)"#))
        #expect(metrics.contains(#"interchange_retention_pruned_total{what="metadata"} \#(counts.metadata)"#))
        await gateway.shutdown()
    }

    @Test func replayOfAPrunedBodyAnswers410() async throws {
        // Bodies go after a day, metadata only after a century: the message stays, its body does not.
        let gateway = try GatewayHarness(retention: #"{"metadataDays": 36500, "bodyDays": 1, "batchSize": 10}"#)
        try gateway.startInProcess(retentionSchedule: RetentionJob.Schedule(
            interval: .milliseconds(50), pause: .milliseconds(1), now: { Date().addingTimeInterval(2 * 86_400) }))
        let runtime = try #require(gateway.runtime)
        let (status, body, _) = await gateway.send("/v1/test/notes", body: #"{"key":"ret-410","text":"x"}"#)
        #expect(status == 202)
        let id = try #require(gateway.json(body)["id"] as? String)
        let messageID = try #require(MessageID(id))
        let store = runtime.store
        let pruned = await gateway.eventually(timeout: .seconds(15)) {
            (try? await store.message(messageID))?.bodyPrunedAt != nil
        }
        #expect(pruned)
        #expect(try await store.message(messageID)?.message.body.isEmpty == true)
        let (replay, problem, _) = await gateway.sendOperator("/v1/messages/\(id)/replay", method: "POST")
        #expect(replay == 410)
        #expect(problem.contains("body pruned by retention"))
        await gateway.shutdown()
    }
}
