import Dispatch
import Foundation
import Gateway

/// `serve`.
extension CLI {
    /// `interchange serve [--config PATH]`: runs until SIGINT or SIGTERM.
    static func serve(_ arguments: ParsedArguments) -> Int32 {
        guard let config = loadConfig(arguments) else { return failure }
        let runtime: GatewayRuntime
        do {
            runtime = try GatewayRuntime(config: config)
            try runtime.start()
        } catch {
            printErr("interchange serve: \(error)\n")
            return failure
        }
        for listener in config.listeners {
            let port = runtime.ports[listener.name] ?? listener.port
            let scheme = listener.tls == nil ? "http" : "https"
            printOut("listening: \(listener.name) (\(listener.role.rawValue)) \(scheme)://\(listener.host):\(port)\n")
        }
        let budget = runtime.descriptorBudget
        if budget.connectionsPerListener < config.limits.maxConnections {
            printErr("warning: descriptor limit \(budget.limit) allows \(budget.connectionsPerListener) connections per "
                + "listener, not limits.maxConnections \(config.limits.maxConnections): raise the hard 'ulimit -n'\n")
        }
        printOut("store: \(config.store), node \(config.node); \(config.expandedDestinations.count) destinations\n")
        waitForTermination()
        printOut("stopping: finishing deliveries in flight\n")
        runBlocking { await runtime.stop() }
        return ok
    }

    /// Blocks until SIGINT or SIGTERM arrives.
    static func waitForTermination() {
        let done = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { done.signal() }
            source.resume()
            sources.append(source)
        }
        done.wait()
        sources.forEach { $0.cancel() }
    }

    /// Runs async work to completion from synchronous command code.
    static func runBlocking(_ body: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await body()
            done.signal()
        }
        done.wait()
    }
}
