import Foundation
import HTTPCore

/// The operator console's static files (HTML, CSS, JavaScript), read once from the Gateway module's resource
/// bundle (`Interchange_Gateway.resources/Console`, which SwiftPM copies next to the built binary).
///
/// Only the names in ``files`` are ever served: the request path picks an entry of this fixed table, never a
/// file name, so no path can reach anything else on disk.
struct ConsoleAssets: Sendable {
    /// One servable file.
    struct Asset: Sendable {
        let contentType: String
        let bytes: [UInt8]
    }

    /// The servable files and their media types.
    static let files: [(name: String, contentType: String)] = [
        ("index.html", "text/html; charset=utf-8"),
        ("console.css", "text/css; charset=utf-8"),
        ("console.js", "text/javascript; charset=utf-8"),
    ]

    /// Headers on every console file: nothing cached, nothing inline, nothing framed, nothing sniffed.
    static let securityHeaders: [(String, String)] = [
        ("Cache-Control", "no-store"),
        ("Content-Security-Policy",
         "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
    ]

    /// The name of the resource bundle SwiftPM builds for the Gateway target.
    static let bundleName = "Interchange_Gateway.resources"

    private let assets: [String: Asset]
    /// Where the files were read from, or nil when the bundle was not found.
    let directory: String?

    /// Reads every file of ``files`` from `directory`, or from the resource bundle next to the running binary.
    ///
    /// Looked up by hand rather than through `Bundle.module`, whose accessor stops the process when the bundle
    /// is missing: a gateway installed without its console keeps serving everything else and answers 503 here.
    init(directory: String? = nil) {
        let found = directory ?? Self.locate()
        var assets: [String: Asset] = [:]
        if let found {
            for file in Self.files {
                if let data = FileManager.default.contents(atPath: found + "/" + file.name) {
                    assets[file.name] = Asset(contentType: file.contentType, bytes: Array(data))
                }
            }
        }
        self.assets = assets
        self.directory = assets.isEmpty ? nil : found
    }

    /// The first `Console` directory found in the bundle beside the executable (the test runner or
    /// `interchange`, followed through symlinks).
    private static func locate() -> String? {
        var candidates = [Bundle.main.bundleURL.path]
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append((executable as NSString).deletingLastPathComponent)
        }
        for base in candidates {
            let path = base + "/" + bundleName + "/Console"
            if FileManager.default.fileExists(atPath: path + "/index.html") { return path }
        }
        return nil
    }

    /// The response for `GET /console/` (`name` nil) or `GET /console/{name}`.
    func response(for name: String?) -> HTTPResponse {
        guard directory != nil else {
            return .problem(Problem(status: 503, title: "Console not installed",
                                    detail: "\(Self.bundleName) is missing next to the interchange binary"))
        }
        guard let asset = assets[name ?? "index.html"] else {
            return .problem(Problem(status: 404, title: "Unknown console file", detail: "no console file \(name ?? "")"))
        }
        var headers = HTTPHeaders([("Content-Type", asset.contentType)])
        for (header, value) in Self.securityHeaders { headers.add(header, value) }
        return HTTPResponse(status: 200, headers: headers, body: asset.bytes)
    }

    /// `GET /console`: the page lives at `/console/` so that its relative asset URLs resolve.
    static var redirect: HTTPResponse {
        HTTPResponse(status: 301, headers: HTTPHeaders([("Location", "/console/"), ("Cache-Control", "no-store")]))
    }
}
