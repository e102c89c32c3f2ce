import Foundation

/// Resolves configuration paths against a base directory and, when asked to, checks the files.
struct FileChecker {
    /// Directory relative paths are resolved against.
    let baseDirectory: String
    /// False for `certs init`, which reads the config before the files it names exist.
    let checkFiles: Bool
    let problems: ProblemList

    /// The absolute path of `path`.
    func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: baseDirectory, isDirectory: true).appendingPathComponent(path).standardizedFileURL.path
    }

    /// Resolves `path` and, if checking, reports a missing or unreadable file. Returns the contents
    /// (when checking and readable) alongside the absolute path.
    @discardableResult
    func file(_ path: String, at field: String, kind: Kind = .any) -> (path: String, contents: String?) {
        let absolute = resolve(path)
        guard checkFiles else { return (absolute, nil) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), !isDirectory.boolValue else {
            problems.add(field, "not_found", "file not found: \(absolute)")
            return (absolute, nil)
        }
        guard FileManager.default.isReadableFile(atPath: absolute), let data = FileManager.default.contents(atPath: absolute)
        else {
            problems.add(field, "not_readable", "file not readable: \(absolute)")
            return (absolute, nil)
        }
        let text = String(decoding: data, as: UTF8.self)
        switch kind {
        case .any: break
        case .certificate:
            if !PEM.blocks(in: text).contains(where: { $0.label == "CERTIFICATE" }) {
                problems.add(field, "format", "not a PEM certificate: \(absolute)")
            }
        case .privateKey:
            if !PEM.blocks(in: text).contains(where: { $0.label.hasSuffix("PRIVATE KEY") }) {
                problems.add(field, "format", "not a PEM private key: \(absolute)")
            }
        }
        return (absolute, text)
    }

    /// What a file must contain.
    enum Kind { case any, certificate, privateKey }
}
