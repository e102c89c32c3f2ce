import CCurl

/// Process-wide libcurl initialisation, done exactly once.
///
/// `curl_global_init` is not thread-safe against itself or other libcurl calls, so it runs inside a Swift
/// lazy global (guarded by `swift_once`) before any worker thread exists.
enum CurlGlobal {
    private static let initialised: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    /// Initialises libcurl if that has not happened yet; returns whether it succeeded.
    @discardableResult
    static func ensure() -> Bool { initialised }
}
