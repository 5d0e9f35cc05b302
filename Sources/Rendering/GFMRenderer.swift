import Checksums
import Foundation
import NotebookModel

/// Renders an executed notebook as GitHub-flavoured Markdown, the shape of knitr's
/// `github_document`: prose with inline values substituted, Swift code and logs in fenced
/// blocks, tables as GFM tables, and figures as PNG files in a sibling folder linked
/// relatively, so a report can be a repository's README.
///
///     let md = try GFMRenderer().render(executed, filesFolder: "fer2013_files")
///     md.markdown              // "# Facial emotion recognition …"
///     md.files.map(\.name)     // ["fig-curves-3fa2c19b.png", …]
///
/// A figure's file name ends with a hash of its bytes, so a re-render writes new files
/// beside the old ones, then the Markdown that links them, then prunes: a reader never
/// sees the Markdown link a file that is not there yet.
public struct GFMRenderer: Sendable {
    var figures: FigureDrawing
    /// Figures are drawn at the HTML column width, at 2 pixels per CSS pixel.
    static let pngDPI = 144.0

    public init() { figures = .plots }

    init(figures: FigureDrawing) { self.figures = figures }

    public struct Output: Sendable {
        public var markdown: String
        /// Files for the folder `filesFolder`, by name.
        public var files: [(name: String, data: Data)]
    }

    public func render(_ executed: ExecutedNotebook, filesFolder: String) throws -> Output {
        let plan = ReportPlan(executed)
        var files: [(name: String, data: Data)] = []
        var copied: [String: String] = [:]
        var writer = MarkdownWriter(plan: plan)
        // Prose images are copied into the folder (the report lives elsewhere than the notebook).
        let notebookPath = plan.notebookPath
        var images: [String: (name: String, data: Data)] = [:]
        for url in Self.proseImageURLs(plan) {
            guard let file = ImageEmbedding.localFile(url, notebookPath: notebookPath),
                let data = try? Data(contentsOf: file)
            else { continue }
            let base = file.deletingPathExtension().lastPathComponent
            let name = "\(base)-\(SHA256.hex(data).prefix(8)).\(file.pathExtension.lowercased())"
            images[url] = (name, data)
        }
        for (url, image) in images.sorted(by: { $0.key < $1.key }) {
            files.append(image)
            copied[url] = "\(filesFolder)/\(image.name)"
        }
        writer.image = { url, _ in copied[url] }

        var parts: [String] = [writer.titleBlock()]
        for item in plan.items {
            switch item {
            case .heading(let h): parts.append(writer.heading(h))
            case .prose(let block):
                let text = writer.block(block)
                if !text.isEmpty { parts.append(text) }
            case .cell(let c):
                parts += try cell(c, writer: writer, folder: filesFolder, files: &files)
            }
        }
        if let refs = writer.bibliography() { parts.append(refs) }
        parts.append(writer.provenance())
        return Output(markdown: parts.joined(separator: "\n"), files: files)
    }

    private func cell(
        _ c: ReportPlan.CellPlan, writer: MarkdownWriter, folder: String,
        files: inout [(name: String, data: Data)]
    ) throws -> [String] {
        // The failed cell is the one a link points at (the "partial report" note).
        var parts = c.failure == nil ? [] : ["<a id=\"cell-\(c.cell.index + 1)\"></a>\n"]
        if c.cell.options.echo { parts.append(writer.fenced(c.cell.source, language: "swift")) }
        for output in c.outputs {
            switch output {
            case .text(let s):
                let text = ReportText.terminalText(s)
                if !text.isEmpty { parts.append(writer.fenced(text, language: "text")) }
            case .cellError(let message):
                parts.append(
                    "**\(MarkdownWriter.escape(ReportText.cellErrorTitle(c.cell.index)))**\n")
                parts.append(writer.fenced(ReportText.terminalText(message), language: "text"))
            case .markdown(let blocks):
                parts.append(writer.blocks(blocks))
            case .expectation(let e):
                parts.append(
                    (e.passed ? "✓ " : "✗ **") + MarkdownWriter.escape(ReportText.expectation(e))
                        + (e.passed ? "" : "**") + "\n")
            case .metric(let name, let value):
                parts.append("\(MarkdownWriter.codeSpan(name)) = \(ReportText.metric(value))\n")
            case .table(let t):
                parts.append(
                    writer.caption(kind: "Table", number: t.number, id: t.id, caption: t.caption))
                parts.append(writer.table(t))
            case .figure(let f):
                let png = try figurePNG(f)
                let name = "\(f.id)-\(SHA256.hex(png).prefix(8)).png"
                files.append((name, png))
                let alt = f.caption.map { plainText($0) } ?? "Figure \(f.number)"
                parts.append("<a id=\"\(esc(f.id))\"></a>\n")
                parts.append(
                    "![\(MarkdownWriter.escape(alt))](\(MarkdownWriter.destination(folder + "/" + name)))\n"
                )
                parts.append(
                    writer.caption(kind: "Figure", number: f.number, id: nil, caption: f.caption))
            }
        }
        if let f = c.failure {
            parts.append("**\(MarkdownWriter.escape(ReportText.failureTitle(f)))**\n")
            parts.append(writer.fenced(ReportText.terminalText(f.message), language: "text"))
        } else if !c.reached, c.cell.options.eval {
            parts.append("*\(MarkdownWriter.escape(ReportText.notRun(writer.plan.failure)))*\n")
        }
        return parts
    }

    /// The figure at the HTML report's column width, as PNG bytes.
    func figurePNG(_ f: ReportPlan.NumberedFigure) throws -> Data {
        let width = HTMLWriter.figureWidth
        let ratio = figures.aspectRatio(f.figure)
        do {
            return Data(
                try f.figure.resized(width: width, height: width * (ratio > 0 ? ratio : 0.68))
                    .pngData(dpi: Self.pngDPI))
        } catch {
            throw RenderingError.figure(id: f.id, reason: "\(error)")
        }
    }

    /// Every image URL in the shown prose, in reading order.
    static func proseImageURLs(_ plan: ReportPlan) -> [String] {
        plan.items.flatMap { item -> [String] in
            switch item {
            case .heading(let h): imageURLs(h.content)
            case .prose(let b): proseImageURLs(single: b)
            case .cell: []
            }
        }
    }

    static func proseImageURLs(single block: ProseBlock) -> [String] {
        switch block {
        case .heading(_, let c), .paragraph(let c): imageURLs(c)
        case .list(_, _, let items): items.joined().flatMap(proseImageURLs(single:))
        case .quote(let bs): bs.flatMap(proseImageURLs(single:))
        case .table(let header, _, let rows): (header + rows.joined()).flatMap(imageURLs)
        case .callout(let c): c.blocks.flatMap(proseImageURLs(single:))
        case .conditional(let c): c.blocks.flatMap(proseImageURLs(single:))
        case .code, .thematicBreak, .html, .displayMath: []
        }
    }

    static func imageURLs(_ inlines: [Inline]) -> [String] {
        inlines.flatMap { i -> [String] in
            switch i {
            case .image(let url, _): [url]
            case .emphasis(let c), .strong(let c), .strikethrough(let c), .link(_, let c):
                imageURLs(c)
            default: []
            }
        }
    }
}
