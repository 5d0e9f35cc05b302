/// A parsed notebook: front matter and an ordered list of prose blocks and Swift cells.
///
/// Produced by the Runner's parse stage (cmark-gfm + Yams) and consumed by Rendering.
/// Plain values only, so every stage can be tested without the ones around it.
///
///     let nb = Notebook(path: "Notebooks/x.md", frontMatter: FrontMatter(title: "X"),
///                       blocks: [.prose(.heading(level: 1, [.text("Data")])),
///                                .cell(Cell(index: 0, line: 12, source: "print(1)"))])
public struct Notebook: Codable, Sendable, Hashable {
    /// Path as given on the command line; diagnostics name it.
    public var path: String
    public var frontMatter: FrontMatter
    public var blocks: [Block]

    public init(path: String, frontMatter: FrontMatter, blocks: [Block]) {
        self.path = path
        self.frontMatter = frontMatter
        self.blocks = blocks
    }

    /// The code cells in notebook order.
    public var cells: [Cell] {
        blocks.compactMap { if case .cell(let c) = $0 { c } else { nil } }
    }
}

/// The YAML front matter of a notebook.
public struct FrontMatter: Codable, Sendable, Hashable {
    public var title: String
    public var author: String?
    public var date: String?
    /// Declared params in front-matter order.
    public var params: [ParamSpec]
    /// Named sets of param overrides (`--profile NAME`).
    public var profiles: [String: [String: ParamValue]]
    /// Works the prose may cite (`references:`), in front-matter order.
    public var references: [BibliographyEntry]

    public init(
        title: String, author: String? = nil, date: String? = nil,
        params: [ParamSpec] = [], profiles: [String: [String: ParamValue]] = [:],
        references: [BibliographyEntry] = []
    ) {
        self.title = title
        self.author = author
        self.date = date
        self.params = params
        self.profiles = profiles
        self.references = references
    }
}

/// A typed notebook parameter and its default.
public struct ParamSpec: Codable, Sendable, Hashable {
    public var name: String
    public var defaultValue: ParamValue
    public var help: String?

    public init(name: String, defaultValue: ParamValue, help: String? = nil) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// A param value; the type is fixed by the default in the front matter.
public enum ParamValue: Codable, Sendable, Hashable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)

    public var typeName: String {
        switch self {
        case .int: "Int"
        case .double: "Double"
        case .bool: "Bool"
        case .string: "String"
        }
    }

    public var description: String {
        switch self {
        case .int(let v): String(v)
        case .double(let v): String(v)
        case .bool(let v): String(v)
        case .string(let v): v
        }
    }
}

/// One top-level block of a notebook.
public enum Block: Codable, Sendable, Hashable {
    case prose(ProseBlock)
    case cell(Cell)
}

/// A Swift code cell and its `//|` options.
public struct Cell: Codable, Sendable, Hashable {
    /// 0-based position among the notebook's cells.
    public var index: Int
    /// 1-based notebook line of the first line of `source` (after the option lines).
    public var line: Int
    /// The cell's code without its `//|` option lines.
    public var source: String
    public var options: CellOptions

    public init(index: Int, line: Int, source: String, options: CellOptions = CellOptions()) {
        self.index = index
        self.line = line
        self.source = source
        self.options = options
    }
}

/// Quarto-style cell options, given as leading `//| key: value` lines.
public struct CellOptions: Codable, Sendable, Hashable {
    public var label: String?
    public var caption: String?
    /// Show the code in the report.
    public var echo: Bool = true
    /// Run the cell at all.
    public var eval: Bool = true
    /// Show the cell's outputs in the report.
    public var output: Bool = true
    /// A thrown error is shown in place instead of ending the run.
    public var error: Bool = false

    public init(
        label: String? = nil, caption: String? = nil, echo: Bool = true,
        eval: Bool = true, output: Bool = true, error: Bool = false
    ) {
        self.label = label
        self.caption = caption
        self.echo = echo
        self.eval = eval
        self.output = output
        self.error = error
    }
}
