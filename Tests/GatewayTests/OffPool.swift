import Foundation

/// Runs blocking work (waiting for a child process) on its own thread, so that it never holds one of the few
/// cooperative threads the in-process gateway's handlers need: with two cores, two blocked waits starve the
/// gateway the child process is talking to until the child's own timeouts fire.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
