import Messages

/// Collects every problem found while reading one configuration file. Used by one thread during
/// loading only, then discarded.
final class ProblemList {
    private(set) var items: [ValidationProblem] = []

    /// Records a problem at `field`.
    func add(_ field: String, _ code: String, _ message: String) {
        items.append(ValidationProblem(field: field, code: code, message: message))
    }

    /// Whether anything was recorded.
    var isEmpty: Bool { items.isEmpty }
}
