import HTTPCore
import Synchronization

/// The shared behaviour of the simulated justice agencies: a JSON object is posted, recorded once per
/// `Idempotency-Key`, and answered `201 {"status":"received","receiptId","key"}` (`200` with the same
/// answer on a retry).
final class IntakeLedger: Sendable {
    private struct State {
        var records: [String: IntakeRecord] = [:]
        var order: [String] = []
        var sequence = 0
    }

    private let prefix: String
    private let state = Mutex(State())

    /// - Parameter prefix: Starts every `receiptId` (e.g. `STP`, `LLTP`, `VNEID`).
    init(prefix: String) { self.prefix = prefix }

    /// Checks and records one post.
    func accept(_ request: HTTPRequest, province: String = "") -> HTTPResponse {
        guard request.method == "POST" else { return SimulatorJSON.methodNotAllowed("POST") }
        guard request.mediaType == "application/json" else { return SimulatorJSON.problem(415, "send application/json") }
        guard SimulatorJSON.object(request.body) != nil else {
            return SimulatorJSON.problem(400, "the body is not a JSON object")
        }
        let key = SimulatorJSON.key(request)
        let (record, fresh) = state.withLock { state -> (IntakeRecord, Bool) in
            let slot = key.isEmpty ? "" : "\(province)/\(key)"
            if !slot.isEmpty, let earlier = state.records[slot] { return (earlier, false) }
            state.sequence += 1
            let receipt = prefix + (province.isEmpty ? "" : "-\(province)") + "-" + String(state.sequence)
            let record = IntakeRecord(key: key, province: province, receiptId: receipt, body: request.body)
            let stored = slot.isEmpty ? "#\(state.sequence)" : slot
            state.records[stored] = record
            state.order.append(stored)
            return (record, true)
        }
        var json = JSONWriter()
        json.object { o in
            o.field("status", "received")
            o.field("receiptId", record.receiptId)
            o.field("key", record.key)
            if !province.isEmpty { o.field("province", province) }
        }
        return HTTPResponse.json(fresh ? 201 : 200, json.bytes)
    }

    /// Every record, in order of arrival.
    var records: [IntakeRecord] { state.withLock { state in state.order.compactMap { state.records[$0] } } }

    /// Forgets everything.
    func clear() { state.withLock { $0 = State() } }
}
