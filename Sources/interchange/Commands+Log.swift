import Dispatch
import Foundation
import Gateway
import Messages
import Store

/// `log` and `log verify`: the routing log, read straight from the store.
extension CLI {
    /// `interchange log [filters] [--limit N] [--json] [--follow]`: the newest N matching entries, oldest first;
    /// `--follow` then polls for new ones until interrupted.
    static func log(_ arguments: ParsedArguments) -> Int32 {
        let spec = tree.children.first { $0.spec.path.last == "log" }?.spec ?? tree.spec
        var filter = LogFilter()
        filter.type = arguments.value("--type")
        filter.sender = arguments.value("--sender")
        filter.destination = arguments.value("--destination")
        filter.event = arguments.value("--status").map { $0.replacingOccurrences(of: "-", with: "_") }
        filter.citizen = arguments.value("--citizen")
        filter.key = arguments.value("--key")
        let limit: Int
        do {
            filter.since = try timeOption(arguments, "--since", spec: spec)
            filter.until = try timeOption(arguments, "--until", spec: spec)
            limit = try arguments.int("--limit", in: 1...1000) ?? 50
        } catch {
            return usageError(error, spec: spec)
        }
        let json = arguments.flag("--json")
        guard let config = loadConfig(arguments, checkFiles: false), let store = openStore(config) else { return failure }
        defer { store.close() }
        let query = filter
        do {
            let page = try blocking { try await store.searchLog(query, after: nil, limit: limit) }
            let entries = Array(page.entries.reversed())
            if !json { printOut(logHeader) }
            for entry in entries { printOut(json ? OperatorJSON.logEntry(entry) + "\n" : logRow(entry)) }
            if !json && entries.isEmpty && !arguments.flag("--follow") { printErr("no matching entries\n") }
            guard arguments.flag("--follow") else { return ok }
            // Start after the newest entry of the whole log, so nothing older than now is printed twice.
            let newest = try blocking { try await store.searchLog(LogFilter(), after: nil, limit: 1) }
            var cursor = LogCursor(seq: max(entries.last?.seq ?? 0, newest.entries.first?.seq ?? 0))
            var forwardFilter = query
            forwardFilter.oldestFirst = true
            let forward = forwardFilter
            while true {
                let after = cursor
                let next = try blocking { try await store.searchLog(forward, after: after, limit: 1000) }
                for entry in next.entries { printOut(json ? OperatorJSON.logEntry(entry) + "\n" : logRow(entry)) }
                if let last = next.entries.last { cursor = LogCursor(seq: last.seq) }
                if next.next == nil { Thread.sleep(forTimeInterval: 0.5) }
            }
        } catch {
            printErr("interchange log: \(error)\n")
            return failure
        }
    }

    /// `interchange log verify`: walks the hash chain; exit 1 names the first bad entry.
    static func logVerify(_ arguments: ParsedArguments) -> Int32 {
        guard let config = loadConfig(arguments, checkFiles: false), let store = openStore(config) else { return failure }
        defer { store.close() }
        do {
            let result = try blocking { try await store.verifyLog() }
            if result.ok {
                // One chain per node: several nodes share a PostgreSQL store.
                let chains = result.chains.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                let perNode = chains.isEmpty ? "" : " (\(chains.count) node chain\(chains.count == 1 ? "" : "s"): "
                    + chains.joined(separator: ", ") + ")"
                printOut("log OK: \(result.checked) entries, hash chain intact\(perNode)\n")
                return ok
            }
            let seq = result.firstBad.map(String.init) ?? "?"
            printOut("log BROKEN at seq \(seq): \(result.reason ?? "hash mismatch") (\(result.checked) entries before it are intact)\n")
            return failure
        } catch {
            printErr("interchange log verify: \(error)\n")
            return failure
        }
    }

    /// Fixed column widths, so `--follow` rows line up with the header.
    private static let logWidths = [8, 23, 15, 16, 12, 14, 26]

    private static var logHeader: String {
        logLine(["SEQ", "TIME (UTC)", "EVENT", "TYPE", "SENDER", "DESTINATION", "MESSAGE", "DETAIL"])
    }

    private static func logRow(_ entry: LogEntry) -> String {
        var detail = entry.detail == "{}" ? "" : entry.detail
        if let actor = entry.actor { detail = "by \(actor) " + detail }
        return logLine([
            String(entry.seq), timeText(entry.at), entry.event, entry.type ?? "-", entry.sender ?? "-",
            entry.destination ?? "-", entry.messageId?.rawValue ?? "-", short(detail, 80),
        ])
    }

    private static func logLine(_ cells: [String]) -> String {
        var line = ""
        for (index, cell) in cells.enumerated() {
            if index < logWidths.count {
                line += cell + String(repeating: " ", count: max(1, logWidths[index] - cell.count + 1))
            } else {
                line += cell
            }
        }
        return line.trimmingCharacters(in: .whitespaces) + "\n"
    }
}
