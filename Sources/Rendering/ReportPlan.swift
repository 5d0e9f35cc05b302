import Foundation
import NotebookModel
import Plots

/// The executed notebook as both renderers see it: sections, figures and tables numbered,
/// labels collected for cross-references, and each cell paired with what it showed.
///
/// Computing this once, before any layout, is what keeps the HTML and the PDF in step:
/// both number and caption from the same plan.
///
///     let plan = ReportPlan(nb)
///     plan.headings.map(\.number)   // ["1", "1.1", "2"]
///     plan.references["fig-cm"]     // Reference(kind: .figure, number: "4", id: "fig-cm")
struct ReportPlan {
    var title: String
    var author: String?
    var date: String?
    var items: [Item]
    /// Every numbered heading in reading order (the table of contents and the PDF outline).
    var headings: [Heading]
    var figures: [NumberedFigure]
    var tables: [NumberedTable]
    /// Labels (`fig-cm`, `tbl-acc`, `sec-data`) to what a cross-reference shows.
    var references: [String: Reference]
    var inlineValues: [Int: String]
    /// Cited keys to their numbers ("[1]"), in order of first citation in the shown prose.
    var citationNumbers: [String: Int]
    /// The References section: the cited entries in citation order.
    var bibliography: [BibliographyEntry]
    var provenance: Provenance
    var failure: CellFailure?
    var notebookPath: String

    enum Item {
        case heading(Heading)
        case prose(ProseBlock)
        case cell(CellPlan)
    }

    struct Heading {
        /// 1 for the top level present in the notebook, whatever its Markdown level.
        var depth: Int
        var number: String
        var id: String
        var content: [Inline]
        var plainTitle: String
    }

    struct CellPlan {
        var cell: Cell
        var outputs: [Output]
        var seconds: Double?
        /// Set on the cell where the run stopped.
        var failure: CellFailure?
        /// False when the run stopped before this cell (it is shown, marked as not run).
        var reached: Bool
    }

    enum Output {
        case text(String)
        /// An error a cell marked `//| error: true` threw; the run went on.
        case cellError(String)
        case markdown([ProseBlock])
        case table(NumberedTable)
        case figure(NumberedFigure)
        case expectation(Expectation)
        case metric(name: String, value: Double)
    }

    struct NumberedFigure {
        var number: Int
        var id: String
        /// Parsed by the Runner (`ExecutedNotebook.markdown`).
        var caption: [Inline]?
        var figure: Figure
    }

    struct NumberedTable {
        var number: Int
        var id: String
        /// Parsed by the Runner (`ExecutedNotebook.markdown`).
        var caption: [Inline]?
        var table: Table
    }

    struct Reference: Equatable {
        enum Kind: String { case figure = "Figure", table = "Table", section = "Section" }
        var kind: Kind
        var number: String
        var id: String
        var text: String { "\(kind.rawValue) \(number)" }
    }

    init(_ executed: ExecutedNotebook) {
        let nb = executed.notebook
        title = nb.frontMatter.title
        author = nb.frontMatter.author
        date = nb.frontMatter.date
        inlineValues = executed.inlineValues
        provenance = executed.provenance
        failure = executed.failure
        notebookPath = nb.path
        items = []
        headings = []
        figures = []
        tables = []
        references = [:]
        let blocks = Self.resolveConditionals(nb.blocks, values: executed.inlineValues)
        (citationNumbers, bibliography) = Self.numberCitations(
            blocks, references: nb.frontMatter.references)

        let topLevel =
            blocks.compactMap { block -> Int? in
                if case .prose(.heading(let level, _)) = block { level } else { nil }
            }.min() ?? 1
        var counters: [Int] = []
        var ids = UniqueIDs()
        let stopIndex = executed.failure?.cellIndex

        for block in blocks {
            switch block {
            case .prose(.heading(let level, let content)):
                let depth = max(1, level - topLevel + 1)
                while counters.count < depth { counters.append(0) }
                counters = Array(counters.prefix(depth))
                counters[depth - 1] += 1
                let number = counters.map(String.init).joined(separator: ".")
                let (stripped, label) = Self.splitHeadingLabel(content)
                let plain = plainText(stripped)
                let id = ids.claim(label ?? "sec-" + slug(plain, fallback: number))
                let heading = Heading(
                    depth: depth, number: number, id: id,
                    content: stripped, plainTitle: plain)
                if let label {
                    references[label] = Reference(kind: .section, number: number, id: id)
                }
                headings.append(heading)
                items.append(.heading(heading))
            case .prose(let prose):
                items.append(.prose(prose))
            case .cell(let cell):
                let result = executed.results[cell.index]
                var outputs: [Output] = []
                var cellLabelUsed = false
                for output in result?.outputs ?? [] {
                    switch output {
                    case .text(let s):
                        // The Runner reports errors of `error: true` cells as "error: …" text.
                        if cell.options.error, s.hasPrefix("error: ") {
                            outputs.append(.cellError(String(s.dropFirst(7))))
                        } else {
                            outputs.append(.text(s))
                        }
                    case .markdown(let s): outputs.append(.markdown(executed.blocks(ofMarkdown: s)))
                    case .expectation(let e): outputs.append(.expectation(e))
                    case .metric(let name, let value):
                        outputs.append(.metric(name: name, value: value))
                    case .figure(let f):
                        var label = f.label
                        var caption = f.caption
                        if label == nil, !cellLabelUsed, let l = cell.options.label,
                            !l.hasPrefix("tbl-")
                        {
                            label = l
                            caption = caption ?? cell.options.caption
                            cellLabelUsed = true
                        }
                        let number = figures.count + 1
                        let id = ids.claim(label ?? "fig-\(number)")
                        let numbered = NumberedFigure(
                            number: number, id: id,
                            caption: caption.map(executed.inlines(ofCaption:)),
                            figure: f.figure)
                        if let label {
                            references[label] = Reference(
                                kind: .figure, number: "\(number)", id: id)
                        }
                        figures.append(numbered)
                        outputs.append(.figure(numbered))
                    case .table(let t):
                        var label = t.label
                        var caption = t.caption
                        if label == nil, !cellLabelUsed, let l = cell.options.label,
                            l.hasPrefix("tbl-")
                        {
                            label = l
                            caption = caption ?? cell.options.caption
                            cellLabelUsed = true
                        }
                        let number = tables.count + 1
                        let id = ids.claim(label ?? "tbl-\(number)")
                        let numbered = NumberedTable(
                            number: number, id: id,
                            caption: caption.map(executed.inlines(ofCaption:)), table: t)
                        if let label {
                            references[label] = Reference(kind: .table, number: "\(number)", id: id)
                        }
                        tables.append(numbered)
                        outputs.append(.table(numbered))
                    }
                }
                let reached = stopIndex.map { cell.index <= $0 } ?? true
                let failureHere = executed.failure.flatMap { $0.cellIndex == cell.index ? $0 : nil }
                items.append(
                    .cell(
                        CellPlan(
                            cell: cell, outputs: cell.options.output ? outputs : [],
                            seconds: result?.seconds, failure: failureHere,
                            reached: reached)))
            }
        }
    }

    /// Quarto's `## Data {#sec-data}`: the trailing attribute names the section.
    static func splitHeadingLabel(_ content: [Inline]) -> ([Inline], String?) {
        guard case .text(let last)? = content.last,
            let open = last.range(of: "{#", options: .backwards),
            last.hasSuffix("}")
        else { return (content, nil) }
        let label = String(last[open.upperBound..<last.index(before: last.endIndex)])
        guard !label.isEmpty, !label.contains(" ") else { return (content, nil) }
        var head = String(last[..<open.lowerBound])
        while head.hasSuffix(" ") { head.removeLast() }
        var stripped = Array(content.dropLast())
        if !head.isEmpty { stripped.append(.text(head)) }
        return (stripped, label)
    }
}

/// Hands out HTML ids, making repeats unique (`sec-results`, `sec-results-2`).
struct UniqueIDs {
    private var used: Set<String> = []

    mutating func claim(_ wanted: String) -> String {
        var id = wanted
        var n = 2
        while used.contains(id) {
            id = "\(wanted)-\(n)"
            n += 1
        }
        used.insert(id)
        return id
    }
}

/// Lowercase ASCII letters and digits joined by dashes: "3.1 Data & Split" → "3-1-data-split".
func slug(_ text: String, fallback: String) -> String {
    var out = ""
    var pendingDash = false
    for scalar in text.lowercased().unicodeScalars {
        if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar))
        {
            if pendingDash, !out.isEmpty { out.append("-") }
            out.unicodeScalars.append(scalar)
            pendingDash = false
        } else {
            pendingDash = true
        }
    }
    return out.isEmpty ? fallback.replacingOccurrences(of: ".", with: "-") : out
}

/// The text a reader sees in inline content, without markup (used for ids, outlines, tests).
func plainText(_ inlines: [Inline], values: [Int: String] = [:]) -> String {
    inlines.map { inline -> String in
        switch inline {
        case .text(let s), .code(let s): s
        case .emphasis(let c), .strong(let c), .strikethrough(let c), .link(_, let c):
            plainText(c, values: values)
        case .image(_, let alt): alt
        case .softBreak, .lineBreak: " "
        case .crossReference(let label): "@" + label
        case .inlineExpression(let index, let source): values[index] ?? source
        case .html: ""
        case .citation(let items): "[" + items.map { "@" + $0.key }.joined(separator: "; ") + "]"
        case .math(let source): (try? MathParser.parse(source).plainText) ?? source
        }
    }.joined()
}
