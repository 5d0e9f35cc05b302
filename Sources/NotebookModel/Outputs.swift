import Plots

/// What a cell showed, in order. Written by the notebook program (NotebookKit) as one JSON
/// record per line on its output channel, read back by the Runner.
public enum CellOutput: Codable, Sendable, Hashable {
    /// Captured stdout/stderr text.
    case text(String)
    /// Markdown produced by the cell (`show(markdown:)`).
    case markdown(String)
    case table(Table)
    case figure(FigureOutput)
    /// A claim checked with `expect(...)`.
    case expectation(Expectation)
    /// A named scalar result (`record("mobilenet.testAccuracy", 0.51)`), kept in the JSON.
    case metric(name: String, value: Double)
}

/// A table a cell showed. Cells are preformatted strings so both renderers agree.
public struct Table: Codable, Sendable, Hashable {
    public var label: String?
    public var caption: String?
    public var columns: [String]
    public var alignments: [ColumnAlignment]
    public var rows: [[String]]

    public init(
        label: String? = nil, caption: String? = nil, columns: [String],
        alignments: [ColumnAlignment]? = nil, rows: [[String]]
    ) {
        self.label = label
        self.caption = caption
        self.columns = columns
        self.alignments = alignments ?? Array(repeating: .none, count: columns.count)
        self.rows = rows
    }
}

/// A figure with its report metadata.
public struct FigureOutput: Codable, Sendable, Hashable {
    public var label: String?
    public var caption: String?
    public var figure: Figure

    public init(label: String? = nil, caption: String? = nil, figure: Figure) {
        self.label = label
        self.caption = caption
        self.figure = figure
    }
}

public struct Expectation: Codable, Sendable, Hashable {
    public var passed: Bool
    public var message: String
    /// Notebook line of the `expect` call.
    public var line: Int?

    public init(passed: Bool, message: String, line: Int? = nil) {
        self.passed = passed
        self.message = message
        self.line = line
    }
}

/// The result of executing a notebook: what the renderers need.
public struct ExecutedNotebook: Codable, Sendable, Hashable {
    public var notebook: Notebook
    /// Per cell index, in notebook order; cells that did not run are absent.
    public var results: [Int: CellResult]
    /// Values of the inline expressions, by `Inline.inlineExpression` index.
    public var inlineValues: [Int: String]
    public var provenance: Provenance
    /// Set when the run stopped early; the renderers show it in place.
    public var failure: CellFailure?
    /// The Markdown of `show(markdown:)` outputs and of figure and table captions, by its
    /// text, parsed by the Runner with the notebook's prose parser (the renderers parse no
    /// Markdown; text missing here is shown as written).
    public var markdown: [String: [ProseBlock]]

    public init(
        notebook: Notebook, results: [Int: CellResult] = [:],
        inlineValues: [Int: String] = [:], provenance: Provenance,
        failure: CellFailure? = nil, markdown: [String: [ProseBlock]] = [:]
    ) {
        self.notebook = notebook
        self.results = results
        self.inlineValues = inlineValues
        self.provenance = provenance
        self.failure = failure
        self.markdown = markdown
    }

    /// The blocks of a `show(markdown:)` text.
    public func blocks(ofMarkdown text: String) -> [ProseBlock] {
        markdown[text] ?? [.paragraph([.text(text)])]
    }

    /// The inlines of a caption.
    public func inlines(ofCaption text: String) -> [Inline] {
        Self.captionInlines(text, parsed: markdown[text])
    }

    /// A caption is one paragraph; parsed as anything else (a list, a code block), or not
    /// parsed, it is its text as written.
    public static func captionInlines(_ text: String, parsed: [ProseBlock]?) -> [Inline] {
        if let parsed, parsed.count == 1, case .paragraph(let inlines) = parsed[0] {
            return inlines
        }
        return [.text(text)]
    }
}

public struct CellResult: Codable, Sendable, Hashable {
    public var outputs: [CellOutput]
    public var seconds: Double

    public init(outputs: [CellOutput], seconds: Double) {
        self.outputs = outputs
        self.seconds = seconds
    }
}

public struct CellFailure: Codable, Sendable, Hashable {
    public var cellIndex: Int
    public var line: Int
    public var message: String

    public init(cellIndex: Int, line: Int, message: String) {
        self.cellIndex = cellIndex
        self.line = line
        self.message = message
    }
}

/// Where a report came from; rendered as its footer.
public struct Provenance: Codable, Sendable, Hashable {
    public var gitCommit: String?
    public var emotiveVersion: String
    public var params: [String: ParamValue]
    public var profile: String?
    /// Data fingerprints by name (e.g. `"train": "sha256:…"`).
    public var dataFingerprints: [String: String]
    public var machine: String
    /// When the outputs were computed (ISO 8601). A frozen re-render keeps the original
    /// execution's time, commit, machine and library, so re-rendering unchanged outputs
    /// writes the same report byte for byte.
    public var executedAt: String
    /// True when outputs came from the freeze cache (said on the terminal, not in the
    /// report, which must not depend on it).
    public var frozen: Bool

    public init(
        gitCommit: String? = nil, emotiveVersion: String, params: [String: ParamValue] = [:],
        profile: String? = nil, dataFingerprints: [String: String] = [:],
        machine: String, executedAt: String, frozen: Bool = false
    ) {
        self.gitCommit = gitCommit
        self.emotiveVersion = emotiveVersion
        self.params = params
        self.profile = profile
        self.dataFingerprints = dataFingerprints
        self.machine = machine
        self.executedAt = executedAt
        self.frozen = frozen
    }
}
