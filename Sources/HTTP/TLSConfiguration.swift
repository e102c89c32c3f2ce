/// Server-side TLS settings: certificate chain, key and client-certificate policy.
public struct TLSConfiguration: Sendable {
    /// Whether clients must, may or must not present a certificate.
    public enum ClientCertificates: String, Sendable {
        /// A certificate chaining to ``TLSConfiguration/clientCAFile`` is required (mTLS).
        case required
        /// A certificate is requested; if presented it must verify.
        case optional
        /// No certificate is requested.
        case none
    }

    /// PEM file with the server certificate followed by its intermediates.
    public var certificateChainFile: String
    /// PEM file with the server private key.
    public var privateKeyFile: String
    /// PEM bundle of CAs that client certificates must chain to.
    public var clientCAFile: String?
    /// The client-certificate policy.
    public var clientCertificates: ClientCertificates

    /// Creates TLS settings.
    public init(
        certificateChainFile: String,
        privateKeyFile: String,
        clientCAFile: String? = nil,
        clientCertificates: ClientCertificates = .none
    ) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.clientCAFile = clientCAFile
        self.clientCertificates = clientCertificates
    }
}
