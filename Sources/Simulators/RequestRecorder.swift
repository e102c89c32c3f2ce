import Foundation
import HTTPCore
import Synchronization

/// A thread-safe record of requests by `Idempotency-Key`, for "delivered exactly once" assertions.
public final class RequestRecorder: Sendable {
    private struct State {
        var entries: [String: RecordedRequest] = [:]
        var order: [String] = []
        var total = 0
    }

    private let state = Mutex(State())

    /// Creates an empty recorder.
    public init() {}

    /// Records one request and returns how many requests (this one included) carried its key.
    @discardableResult
    public func record(_ request: HTTPRequest, at date: Date = Date()) -> Int {
        let key = request.headers["Idempotency-Key"] ?? ""
        return state.withLock { state in
            state.total += 1
            // Mutate in place: copying the entry out would copy `arrivals` on every request.
            if state.entries[key] != nil {
                state.entries[key]?.count += 1
                state.entries[key]?.arrivals.append(date)
                return state.entries[key]?.count ?? 0
            }
            state.entries[key] = RecordedRequest(
                key: key, count: 1, path: request.path, firstBody: request.body, firstHeaders: request.headers,
                arrivals: [date])
            state.order.append(key)
            return 1
        }
    }

    /// Requests seen per key.
    public var counts: [String: Int] {
        state.withLock { $0.entries.mapValues(\.count) }
    }

    /// The record for `key`.
    public func request(key: String) -> RecordedRequest? {
        state.withLock { $0.entries[key] }
    }

    /// Every record, in order of first arrival.
    public var all: [RecordedRequest] {
        state.withLock { state in state.order.compactMap { state.entries[$0] } }
    }

    /// Requests seen in total.
    public var total: Int { state.withLock { $0.total } }

    /// Forgets everything.
    public func clear() {
        state.withLock { $0 = State() }
    }

    /// The counts as a JSON object `{"key": count, ...}`, keys in first-arrival order.
    public func countsJSON() -> [UInt8] {
        let snapshot = all
        var json = JSONWriter()
        json.object { object in
            for entry in snapshot { object.field(entry.key, entry.count) }
        }
        return json.bytes
    }
}
