import Synchronization

/// A one-waiter wake-up flag with a timeout: ``signal()`` ends the current (or the next) ``wait(timeout:)``.
final class WakeSignal: Sendable {
    private struct Waiter {
        var generation: UInt64
        var continuation: CheckedContinuation<Void, Never>
        var timer: Task<Void, Never>?
    }

    private struct State {
        var pending = false
        var generation: UInt64 = 0
        var waiter: Waiter?
    }

    private let state = Mutex(State())

    /// Wakes the waiter, or makes the next wait return at once.
    func signal() {
        let waiter = state.withLock { state -> Waiter? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        // Cancelling the timer ends its sleep early, so no idle task lingers per wake-up.
        waiter?.timer?.cancel()
        waiter?.continuation.resume()
    }

    /// Returns after a ``signal()`` or after `timeout`, whichever is first. One waiter at a time.
    func wait(timeout: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let generation = state.withLock { state -> UInt64? in
                if state.pending {
                    state.pending = false
                    return nil
                }
                state.generation &+= 1
                state.waiter = Waiter(generation: state.generation, continuation: continuation, timer: nil)
                return state.generation
            }
            guard let generation else {
                continuation.resume()
                return
            }
            let timer = Task { [self] in
                try? await Task.sleep(for: timeout)
                self.expire(generation)
            }
            let stillWaiting = state.withLock { state -> Bool in
                guard state.waiter?.generation == generation else { return false }
                state.waiter?.timer = timer
                return true
            }
            if !stillWaiting { timer.cancel() }
        }
    }

    private func expire(_ generation: UInt64) {
        let waiter = state.withLock { state -> Waiter? in
            guard let waiter = state.waiter, waiter.generation == generation else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.continuation.resume()
    }
}
