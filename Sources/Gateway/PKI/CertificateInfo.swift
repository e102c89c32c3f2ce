import COpenSSL
import Foundation

/// What `certs list` shows about a certificate file: subject, issuer, expiry, fingerprint.
public struct CertificateInfo: Sendable {
    /// The file read (absolute path).
    public var path: String
    /// Subject in OpenSSL's one-line form, e.g. `/O=Interchange Development/CN=bv-bachmai`.
    public var subject: String
    /// Issuer in the same form.
    public var issuer: String
    /// End of validity.
    public var notAfter: Date
    /// SHA-256 of the DER, lowercase hex (what agencies' `certificateSHA256` lists).
    public var sha256: String

    /// Whole days from `now` until ``notAfter``; negative once expired.
    public func daysLeft(now: Date = Date()) -> Int {
        Int((notAfter.timeIntervalSince(now) / 86_400).rounded(.down))
    }

    /// Reads the first certificate of a PEM file.
    ///
    /// - Throws: ``PKIError`` when the file is missing or holds no certificate.
    public static func read(path: String) throws(PKIError) -> CertificateInfo {
        guard let data = FileManager.default.contents(atPath: path) else { throw .certificate("\(path): file not found") }
        guard let sha256 = PEM.certificateSHA256(pem: String(decoding: data, as: UTF8.self)) else {
            throw .certificate("\(path): no PEM certificate")
        }
        let bytes = Array(data)
        let parsed: (String, String, Date)? = bytes.withUnsafeBytes { raw -> (String, String, Date)? in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            guard let x509 = PEM_read_bio_X509(bio, nil, nil, nil) else { return nil }
            defer { X509_free(x509) }
            var time = tm()
            guard let notAfter = X509_get0_notAfter(x509), ASN1_TIME_to_tm(notAfter, &time) == 1 else { return nil }
            let seconds = timegm(&time)
            return (oneLine(X509_get_subject_name(x509)), oneLine(X509_get_issuer_name(x509)), Date(timeIntervalSince1970: TimeInterval(seconds)))
        }
        guard let (subject, issuer, notAfter) = parsed else { throw .certificate("\(path): certificate not parseable") }
        return CertificateInfo(path: path, subject: subject, issuer: issuer, notAfter: notAfter, sha256: sha256)
    }

    private static func oneLine(_ name: OpaquePointer?) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        let count = buffer.count
        return buffer.withUnsafeMutableBufferPointer { pointer -> String in
            guard let base = pointer.baseAddress, X509_NAME_oneline(name, base, Int32(count)) != nil else { return "?" }
            return String(cString: base)
        }
    }
}
