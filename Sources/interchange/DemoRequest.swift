/// One fixture the demo sends, as which agency, and what the gateway answered.
struct DemoRequest: Sendable {
    /// The label shown in the summary (the file name, with a note for a repeat).
    var label: String
    /// The fixture file.
    var file: String
    /// The gateway path it is posted to.
    var path: String
    /// `Content-Type`.
    var contentType: String
    /// The sending agency's id.
    var agency: String

    /// What came back.
    struct Result: Sendable {
        var status: Int
        var accepted = 0
        var duplicates = 0
        var rejected = 0
        /// The id of the first accepted or duplicate message.
        var firstId: String?
        /// A short note: the problem title, a transport error, ...
        var note = ""
    }
}
