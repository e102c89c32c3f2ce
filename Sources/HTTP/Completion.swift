import HTTPCore

/// A handler's response on its way back to the loop that owns the connection.
struct Completion: Sendable {
    let connectionID: UInt64
    let fd: Int32
    let seq: Int
    let response: HTTPResponse
}
