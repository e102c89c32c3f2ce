/// TLS settings for one destination: whom to trust, who we are, and an optional key pin.
public struct DestinationTLS: Sendable, Equatable {
    /// PEM bundle of CAs that may sign the destination's certificate; `nil` uses the system store.
    public var caFile: String?
    /// PEM client certificate presented for mutual TLS.
    public var certificateFile: String?
    /// PEM private key of ``certificateFile``.
    public var keyFile: String?
    /// Public-key pin in libcurl form, `sha256//<base64 of the SPKI digest>` (several joined by `;`).
    public var pinnedPublicKey: String?

    /// Creates TLS settings.
    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil, pinnedPublicKey: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.pinnedPublicKey = pinnedPublicKey
    }
}
