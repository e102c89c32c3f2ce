import Dispatch
import Synchronization

/// Runs async work to completion from synchronous command code and hands back its result.
enum Blocking {
    /// Runs `body` on a detached task and waits for it.
    static func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        let box = Mutex<T?>(nil)
        Task.detached {
            let value = await body()
            box.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        guard let value = box.withLock({ $0 }) else { preconditionFailure("invariant: the task stored its result") }
        return value
    }
}
