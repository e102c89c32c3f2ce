import COpenSSL
import Glibc

/// A configured OpenSSL server context shared by all loops.
///
/// `@unchecked Sendable`: the `SSL_CTX` is fully configured in `init` and only read afterwards (`SSL_new`), which
/// OpenSSL documents as thread-safe; it is freed in `deinit` when no loop can use it any more.
final class TLSContext: @unchecked Sendable {
    let ctx: OpaquePointer

    init(_ config: TLSConfiguration) throws {
        try Self.checkCertificateFile(config.certificateChainFile)
        try Self.checkKeyFile(config.privateKeyFile)
        guard let ctx = SSL_CTX_new(TLS_server_method()) else {
            throw TLSSetupError(file: config.certificateChainFile, reason: "SSL_CTX_new failed: \(Self.errors())")
        }
        self.ctx = ctx
        _ = copenssl_ctx_set_min_proto_version(ctx, TLS1_2_VERSION)
        _ = copenssl_ctx_set_max_proto_version(ctx, TLS1_3_VERSION)
        _ = copenssl_ctx_set_options(
            ctx,
            Int(COPENSSL_OP_NO_RENEGOTIATION | COPENSSL_OP_NO_COMPRESSION | COPENSSL_OP_CIPHER_SERVER_PREFERENCE)
        )
        _ = copenssl_ctx_set_mode(ctx, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
        // TLS 1.2: forward secrecy and AEAD only. TLS 1.3 suites are all AEAD; OpenSSL's defaults stay.
        guard SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20") == 1 else {
            throw TLSSetupError(file: config.certificateChainFile, reason: "cipher list rejected: \(Self.errors())")
        }
        guard SSL_CTX_use_certificate_chain_file(ctx, config.certificateChainFile) == 1 else {
            throw TLSSetupError(file: config.certificateChainFile, reason: "not a certificate chain: \(Self.errors())")
        }
        // The key already parsed (checkKeyFile), so a failure here is OpenSSL's own pairing check.
        guard SSL_CTX_use_PrivateKey_file(ctx, config.privateKeyFile, SSL_FILETYPE_PEM) == 1 else {
            throw TLSSetupError(
                file: config.privateKeyFile,
                reason: "key does not match certificate \(config.certificateChainFile): \(Self.errors())"
            )
        }
        guard SSL_CTX_check_private_key(ctx) == 1 else {
            throw TLSSetupError(
                file: config.privateKeyFile,
                reason: "key does not match certificate \(config.certificateChainFile)"
            )
        }
        // Resumed sessions with client certificates need a session id context.
        let sid: [UInt8] = Array("interchange".utf8)
        _ = SSL_CTX_set_session_id_context(ctx, sid, UInt32(sid.count))
        switch config.clientCertificates {
        case .none:
            SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)
        case .optional, .required:
            guard let caFile = config.clientCAFile else {
                throw TLSSetupError(file: "clientCAFile", reason: "missing: client certificates need a CA file")
            }
            try Self.checkReadable(caFile)
            guard SSL_CTX_load_verify_locations(ctx, caFile, nil) == 1 else {
                throw TLSSetupError(file: caFile, reason: "not a CA certificate bundle: \(Self.errors())")
            }
            if let names = SSL_load_client_CA_file(caFile) { SSL_CTX_set_client_CA_list(ctx, names) }
            let mode = config.clientCertificates == .required
                ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER
            SSL_CTX_set_verify(ctx, mode, nil)
            SSL_CTX_set_verify_depth(ctx, 4)
        }
    }

    deinit { SSL_CTX_free(ctx) }

    /// Drains and formats the OpenSSL error queue.
    static func errors() -> String {
        var parts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            parts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return parts.isEmpty ? "no OpenSSL error" : parts.joined(separator: "; ")
    }

    private static func checkReadable(_ path: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else { throw TLSSetupError(file: path, reason: "missing") }
        guard access(path, R_OK) == 0 else { throw TLSSetupError(file: path, reason: "unreadable") }
    }

    private static func checkCertificateFile(_ path: String) throws {
        try checkReadable(path)
        guard let fp = fopen(path, "r") else { throw TLSSetupError(file: path, reason: "unreadable") }
        defer { fclose(fp) }
        guard let cert = PEM_read_X509(fp, nil, nil, nil) else {
            ERR_clear_error()
            throw TLSSetupError(file: path, reason: "not a certificate (no PEM certificate found)")
        }
        defer { X509_free(cert) }
        guard let notAfter = X509_get0_notAfter(cert) else {
            throw TLSSetupError(file: path, reason: "not a certificate (no notAfter)")
        }
        if X509_cmp_current_time(notAfter) < 0 {
            throw TLSSetupError(file: path, reason: "expired (notAfter \(asn1TimeString(notAfter)) is in the past)")
        }
    }

    private static func checkKeyFile(_ path: String) throws {
        try checkReadable(path)
        guard let fp = fopen(path, "r") else { throw TLSSetupError(file: path, reason: "unreadable") }
        defer { fclose(fp) }
        guard let key = PEM_read_PrivateKey(fp, nil, nil, nil) else {
            ERR_clear_error()
            throw TLSSetupError(file: path, reason: "not a private key (or encrypted)")
        }
        EVP_PKEY_free(key)
    }

    private static func asn1TimeString(_ time: UnsafePointer<ASN1_TIME>) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "?" }
        defer { BIO_free(bio) }
        guard ASN1_TIME_print(bio, time) == 1 else { return "?" }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = BIO_read(bio, &buffer, Int32(buffer.count))
        return n > 0 ? String(decoding: buffer.prefix(Int(n)), as: UTF8.self) : "?"
    }
}
