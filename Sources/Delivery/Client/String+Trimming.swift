extension String {
    /// The string without leading and trailing spaces and tabs (header values, `Retry-After`).
    func trimmingLeadingAndTrailingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
