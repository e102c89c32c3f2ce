import Messages

/// Collects every problem found while reading one item, so that all of them are reported at once.
///
/// A class so that nested readers (``JudicialObject`` for `person`, `charges[0]` ...) append to
/// the same list; it lives only for the decoding of one item, on one thread.
final class JudicialProblemSink {
    private(set) var problems: [ValidationProblem] = []

    /// Adds a problem.
    func add(_ field: String, _ code: String, _ message: String) {
        problems.append(ValidationProblem(field: field, code: code, message: message))
    }

    /// Adds problems found by a helper that reports its own fields.
    func add(contentsOf more: [ValidationProblem]) { problems.append(contentsOf: more) }

    /// Whether nothing is wrong so far.
    var isEmpty: Bool { problems.isEmpty }
}
