/// The routing log's tamper-evidence: each entry's hash is SHA-256 over the previous entry's hash (of the same
/// node) followed by a canonical serialization of the entry's fields. Editing an entry breaks its own hash;
/// deleting one breaks its successor's link. Every store implementation must hash exactly this way.
public enum LogChain {
    /// The `prevHash` of a node's first entry: 64 zeros.
    public static let genesis = String(repeating: "0", count: 64)

    /// The hash of an entry with these fields, given its predecessor's hash.
    ///
    /// The serialization is each field in the order below as `<utf8 length>:<text>;`, or `-;` for a missing
    /// field, so that no two different entries serialize alike. Times are milliseconds since 1970.
    public static func hash(
        prevHash: String,
        seq: Int64,
        node: String,
        atMillis: Int64,
        messageId: String?,
        destination: String?,
        event: String,
        type: String?,
        sender: String?,
        detail: String,
        actor: String?
    ) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128 + detail.utf8.count)
        bytes.append(contentsOf: prevHash.utf8)
        for field in [String(seq), node, String(atMillis), messageId, destination, event, type, sender, detail, actor] {
            if let field {
                bytes.append(contentsOf: String(field.utf8.count).utf8)
                bytes.append(UInt8(ascii: ":"))
                bytes.append(contentsOf: field.utf8)
            } else {
                bytes.append(UInt8(ascii: "-"))
            }
            bytes.append(UInt8(ascii: ";"))
        }
        return SHA256Hex.hash(bytes)
    }
}
