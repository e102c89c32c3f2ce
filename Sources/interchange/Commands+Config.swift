import Foundation
import Gateway

/// `check-config`, `certs init`, `certs list`.
extension CLI {
    /// Loads the configuration named by `--config`, printing its problems to stderr on failure.
    static func loadConfig(_ arguments: ParsedArguments, checkFiles: Bool = true) -> GatewayConfig? {
        let path = arguments.value("--config") ?? defaultConfig
        do {
            return try GatewayConfig.load(path: path, checkFiles: checkFiles)
        } catch {
            printErr(error.description + "\n")
            let count = error.problems.count
            printErr("\(path): \(count) problem\(count == 1 ? "" : "s")\n")
            return nil
        }
    }

    /// `interchange check-config [--config PATH]`.
    static func checkConfig(_ arguments: ParsedArguments) -> Int32 {
        guard let config = loadConfig(arguments) else { return failure }
        printOut(
            "config OK: \(config.agencies.count) agencies, \(config.destinations.count) destinations "
                + "(\(config.expandedDestinations.count) after templates), \(config.routes.count) routes\n"
        )
        return ok
    }

    /// `interchange certs init DIR [--config PATH] [--force]`.
    static func certsInit(_ arguments: ParsedArguments) -> Int32 {
        guard let directory = arguments.positionals.first else { return usage }
        let configPath = arguments.value("--config") ?? defaultConfig
        let pki: DevelopmentPKI
        if arguments.value("--config") == nil && !FileManager.default.fileExists(atPath: configPath) {
            printErr("note: \(configPath) not found: creating the CA, gateway and simulator certificates only\n")
            pki = DevelopmentPKI(directory: directory, agencyIDs: [], tokenNames: [])
        } else {
            // The config names files this command is about to create: read it without checking them.
            guard let config = loadConfig(arguments, checkFiles: false) else { return failure }
            pki = DevelopmentPKI(directory: directory, config: config)
        }
        do {
            let report = try pki.generate(force: arguments.flag("--force"))
            for file in report.created { printOut("created \(directory)/\(file)\n") }
            for file in report.bodyKeys { printOut("created \(file) (body-encryption key, mode 600)\n") }
            if !report.kept.isEmpty { printOut("kept \(report.kept.count) existing files (--force replaces them; body-encryption keys are never replaced)\n") }
            for id in pki.agencyIDs {
                let path = URL(fileURLWithPath: directory).appendingPathComponent("agencies/\(id).crt").path
                if let info = try? CertificateInfo.read(path: path) { printOut("\(id) certificateSHA256 \(info.sha256)\n") }
            }
            return ok
        } catch {
            printErr("certs init: \(error)\n")
            return failure
        }
    }

    /// `interchange certs list [--config PATH]`.
    static func certsList(_ arguments: ParsedArguments) -> Int32 {
        guard let config = loadConfig(arguments, checkFiles: false) else { return failure }
        var uses: [(path: String, usedBy: String)] = []
        func add(_ path: String?, _ usedBy: String) {
            guard let path, !uses.contains(where: { $0.path == path }) else { return }
            uses.append((path, usedBy))
        }
        for listener in config.listeners {
            add(listener.tls?.certificate, "listener \(listener.name)")
            add(listener.tls?.clientCA, "listener \(listener.name) client CA")
        }
        for agency in config.agencies { add(agency.auth.certificate, "agency \(agency.id)") }
        for destination in config.destinations + config.destinationTemplates.map(\.prototype) {
            add(destination.tls?.ca, "destination \(destination.id) CA")
            add(destination.tls?.certificate, "destination \(destination.id) client")
        }
        let dateFormat = ISO8601DateFormatter()
        dateFormat.formatOptions = [.withFullDate]
        let now = Date()
        var bad = 0
        var rows: [[String]] = [["CERTIFICATE", "USED BY", "SUBJECT", "NOT AFTER", "DAYS", ""]]
        for use in uses {
            let shown = relative(use.path, to: config.baseDirectory)
            do {
                let info = try CertificateInfo.read(path: use.path)
                let days = info.daysLeft(now: now)
                let flag = days < 0 ? "EXPIRED" : days < 30 ? "expires soon" : ""
                if days < 0 { bad += 1 }
                rows.append([shown, use.usedBy, info.subject, dateFormat.string(from: info.notAfter), String(days), flag])
            } catch {
                bad += 1
                let missing = FileManager.default.fileExists(atPath: use.path) ? "UNREADABLE" : "MISSING"
                rows.append([shown, use.usedBy, "-", "-", "-", missing])
            }
        }
        printOut(table(rows))
        if uses.isEmpty { printOut("the configuration names no certificate files\n") }
        return bad == 0 ? ok : failure
    }

    private static func relative(_ path: String, to base: String) -> String {
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    private static func table(_ rows: [[String]]) -> String {
        guard let columns = rows.first?.count else { return "" }
        let widths = (0..<columns).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == columns - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }
}
