import Foundation
import HTTP
import HTTPCore

/// Starts a plain server on an ephemeral port with an echo-ish handler.
func startServer(
    limits: ServerLimits = ServerLimits(),
    loops: Int = 2,
    tls: TLSConfiguration? = nil,
    bodyLimit: (@Sendable (String, String) -> Int)? = nil,
    handler: (@Sendable (HTTPRequest) async -> HTTPResponse)? = nil
) throws -> HTTPServer {
    let config = ServerConfiguration(port: 0, loops: loops, tls: tls, limits: limits, bodyLimit: bodyLimit)
    let server = try HTTPServer(configuration: config, handler: handler ?? echoHandler)
    try server.start()
    return server
}

/// Answers `<METHOD> <target> <body>` as text, or sleeps for `/slow?ms=N`.
@Sendable func echoHandler(_ request: HTTPRequest) async -> HTTPResponse {
    if request.path == "/slow" {
        let ms = Int(request.query.first { $0.0 == "ms" }?.1 ?? "500") ?? 500
        try? await Task.sleep(for: .milliseconds(ms))
    }
    let text = "\(request.method) \(request.target) \(String(decoding: request.body, as: UTF8.self))"
    return .body(200, contentType: "text/plain", Array(text.utf8))
}
