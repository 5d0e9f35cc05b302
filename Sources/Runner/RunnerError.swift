/// An error the user can act on: where it is (file, line, column when known) and what to do.
///
/// `description` reads like a compiler diagnostic, `Notebooks/x.md:12:5: error: …`, so
/// editors and CI logs link to the place.
public struct RunnerError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String?
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(file: String? = nil, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        "\(location)error: \(message)"
    }

    var location: String {
        guard let file else { return "" }
        var s = file
        if let line {
            s += ":\(line)"
            if let column { s += ":\(column)" }
        }
        return s + ": "
    }
}

/// A problem that does not stop the run (an unknown cell option, an unknown front-matter key).
public struct RunnerWarning: CustomStringConvertible, Sendable, Hashable {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): warning: \(message)" }
}
