import Foundation
import NotebookModel

/// Renders an executed notebook as a Jupyter notebook (nbformat 4.5 JSON), which GitHub,
/// JupyterLab and VS Code show with its outputs.
///
/// Prose becomes Markdown cells (a new cell at every numbered heading; inline values
/// substituted, hidden conditional blocks dropped, callouts as block quotes, citations as
/// "[n]" with a References cell); each Swift cell becomes a code cell with its source, an
/// execution count when it ran, and its outputs: `stream` for printed text, `display_data`
/// with `image/png` and `image/svg+xml` for figures and `text/html` + `text/plain` for
/// tables, `error` for a failed cell. The notebook metadata names Swift as the language and
/// holds the run's provenance under `emotive`.
///
///     let json = try IPYNBRenderer().render(executed)   // UTF-8 JSON, keys sorted
public struct IPYNBRenderer: Sendable {
    var figures: FigureDrawing

    public init() { figures = .plots }

    init(figures: FigureDrawing) { self.figures = figures }

    public func render(_ executed: ExecutedNotebook) throws -> Data {
        let plan = ReportPlan(executed)
        var builder = Builder(plan: plan, figures: figures)
        try builder.build()
        let notebook: [String: Any] = [
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": metadata(plan),
            "cells": builder.cells,
        ]
        var data = try JSONSerialization.data(
            withJSONObject: notebook,
            options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        return data
    }

    private func metadata(_ plan: ReportPlan) -> [String: Any] {
        let p = plan.provenance
        var provenance: [String: Any] = [
            "emotive": p.emotiveVersion,
            "machine": p.machine,
            "executed": p.executedAt,
            "profile": p.profile ?? "default",
            "params": Dictionary(
                uniqueKeysWithValues: p.params.map { ($0.key, $0.value.description) }),
            "data": p.dataFingerprints,
            "notebook": plan.notebookPath,
        ]
        if let commit = p.gitCommit { provenance["git_commit"] = commit }
        var meta: [String: Any] = [
            "kernelspec": ["name": "swift", "display_name": "Swift", "language": "swift"],
            "language_info": [
                "name": "swift", "file_extension": ".swift", "mimetype": "text/x-swift",
                "codemirror_mode": "swift",
            ],
            "title": plan.title,
            "emotive": provenance,
        ]
        if let a = plan.author { meta["authors"] = [["name": a]] }
        return meta
    }

    /// Collects cells in order; prose accumulates into the current Markdown cell.
    private struct Builder {
        let plan: ReportPlan
        let figures: FigureDrawing
        let writer: MarkdownWriter
        var cells: [[String: Any]] = []
        private var markdown: [String] = []
        private var attachments: [String: [String: String]] = [:]
        private var markdownCount = 0
        private var executionCount = 0
        private var figureSerial = 0
        /// Prose images by URL → attachment name (local files only).
        private let images: [String: (name: String, mime: String, base64: String)]

        init(plan: ReportPlan, figures: FigureDrawing) {
            self.plan = plan
            self.figures = figures
            var images: [String: (String, String, String)] = [:]
            for (n, url) in GFMRenderer.proseImageURLs(plan).enumerated() where images[url] == nil {
                guard let file = ImageEmbedding.localFile(url, notebookPath: plan.notebookPath),
                    let data = try? Data(contentsOf: file)
                else { continue }
                images[url] = (
                    "image\(n + 1).\(file.pathExtension.lowercased())",
                    ImageEmbedding.mimeType(file.pathExtension), data.base64EncodedString()
                )
            }
            self.images = images
            var writer = MarkdownWriter(plan: plan)
            writer.image = { url, _ in images[url].map { "attachment:" + $0.0 } }
            self.writer = writer
        }

        mutating func build() throws {
            markdown.append(writer.titleBlock())
            for item in plan.items {
                switch item {
                case .heading(let h):
                    flushMarkdown()
                    markdown.append(writer.heading(h))
                case .prose(let block):
                    let text = writer.block(block)
                    if !text.isEmpty { markdown.append(text) }
                    for url in GFMRenderer.proseImageURLs(single: block) {
                        if let image = images[url] {
                            attachments[image.name] = [image.mime: image.base64]
                        }
                    }
                case .cell(let c):
                    flushMarkdown()
                    cells.append(try codeCell(c))
                }
            }
            flushMarkdown()
            if let refs = writer.bibliography() { markdown.append(refs); flushMarkdown() }
            markdown.append(writer.provenance())
            flushMarkdown()
        }

        private mutating func flushMarkdown() {
            guard !markdown.isEmpty else { return }
            markdownCount += 1
            var cell: [String: Any] = [
                "cell_type": "markdown",
                "id": "md-\(markdownCount)",
                "metadata": [String: Any](),
                "source": lines(markdown.joined(separator: "\n")),
            ]
            if !attachments.isEmpty { cell["attachments"] = attachments }
            cells.append(cell)
            markdown = []
            attachments = [:]
        }

        private mutating func codeCell(_ c: ReportPlan.CellPlan) throws -> [String: Any] {
            let ran = c.seconds != nil || c.failure != nil
            if ran { executionCount += 1 }
            var outputs: [[String: Any]] = []
            for output in c.outputs {
                switch output {
                case .text(let s):
                    let text = ReportText.terminalText(s)
                    if !text.isEmpty {
                        outputs.append([
                            "output_type": "stream", "name": "stdout", "text": lines(text + "\n"),
                        ])
                    }
                case .cellError(let message):
                    outputs.append(error(message, name: ReportText.cellErrorTitle(c.cell.index)))
                case .markdown(let blocks):
                    let md = writer.blocks(blocks)
                    outputs.append(display(["text/markdown": lines(md), "text/plain": lines(md)]))
                case .expectation(let e):
                    let text = (e.passed ? "✓ " : "✗ ") + ReportText.expectation(e)
                    let html =
                        "<p style=\"color: \(e.passed ? "#1a7f37" : "#cf222e")\">\(esc(text))</p>"
                    outputs.append(display(["text/plain": lines(text), "text/html": lines(html)]))
                case .metric(let name, let value):
                    outputs.append(
                        display(["text/plain": lines("\(name) = \(ReportText.metric(value))")]))
                case .table(let t):
                    outputs.append(
                        display([
                            "text/html": lines(tableHTML(t)),
                            "text/plain": lines(tableCaption(t) + "\n" + plainTextTable(t.table)),
                        ]))
                case .figure(let f):
                    outputs.append(try figure(f))
                }
            }
            if let f = c.failure {
                outputs.append(error(f.message, name: ReportText.failureTitle(f)))
            }
            var emotive: [String: Any] = ["cell": c.cell.index + 1, "line": c.cell.line]
            if let s = c.seconds { emotive["seconds"] = (s * 1000).rounded() / 1000 }
            var metadata: [String: Any] = ["emotive": emotive]
            if !c.cell.options.echo { metadata["jupyter"] = ["source_hidden": true] }
            if let label = c.cell.options.label { metadata["tags"] = [label] }
            return [
                "cell_type": "code",
                "id": "cell-\(c.cell.index + 1)",
                "execution_count": ran ? executionCount : NSNull(),
                "metadata": metadata,
                "source": lines(c.cell.source),
                "outputs": outputs,
            ]
        }

        private func display(_ data: [String: Any], metadata: [String: Any] = [:]) -> [String: Any]
        {
            ["output_type": "display_data", "data": data, "metadata": metadata]
        }

        private func error(_ message: String, name: String) -> [String: Any] {
            let text = ReportText.terminalText(message)
            return [
                "output_type": "error", "ename": name,
                "evalue": text.split(separator: "\n").first.map(String.init) ?? "",
                "traceback": text.split(separator: "\n", omittingEmptySubsequences: false).map(
                    String.init),
            ]
        }

        private mutating func figure(_ f: ReportPlan.NumberedFigure) throws -> [String: Any] {
            figureSerial += 1
            let width = HTMLWriter.figureWidth
            let png = try GFMRenderer(figures: figures).figurePNG(f)
            let svg: String
            do {
                svg = try figures.svg(f.figure, "f\(figureSerial)-", width)
            } catch {
                throw RenderingError.figure(id: f.id, reason: "\(error)")
            }
            let caption = plainText(f.caption ?? [])
            let title = "Figure \(f.number)." + (caption.isEmpty ? "" : " " + caption)
            // Shown at the HTML report's size: 474 pt = 632 CSS px (the PNG has twice that).
            let shownWidth = Int((width * 4 / 3).rounded())
            return display(
                [
                    "image/png": png.base64EncodedString(),
                    "image/svg+xml": lines(SVGInline.prepare(svg, title: title)),
                    "text/plain": lines(title),
                ],
                metadata: ["image/png": ["width": shownWidth]])
        }

        private func tableCaption(_ t: ReportPlan.NumberedTable) -> String {
            "Table \(t.number)." + (t.caption.map { " " + plainText($0) } ?? "")
        }

        private func tableHTML(_ t: ReportPlan.NumberedTable) -> String {
            let aligns = ReportText.alignments(t.table)
            func style(_ i: Int) -> String {
                switch i < aligns.count ? aligns[i] : .none {
                case .right: " style=\"text-align: right\""
                case .center: " style=\"text-align: center\""
                case .left: " style=\"text-align: left\""
                case .none: ""
                }
            }
            var out = "<table id=\"\(esc(t.id))\">\n<caption><strong>Table \(t.number).</strong>"
            if let c = t.caption {
                out += " " + HTMLWriter(plan: plan, figures: figures).inlines(c)
            }
            out += "</caption>\n<thead><tr>"
            for (i, h) in t.table.columns.enumerated() { out += "<th\(style(i))>\(esc(h))</th>" }
            out += "</tr></thead>\n<tbody>\n"
            for row in t.table.rows {
                out += "<tr>"
                for i in 0..<max(row.count, t.table.columns.count) {
                    out += "<td\(style(i))>\(esc(i < row.count ? row[i] : ""))</td>"
                }
                out += "</tr>\n"
            }
            return out + "</tbody>\n</table>"
        }
    }
}

/// Jupyter's multiline string: the text cut into lines, each keeping its newline.
func lines(_ text: String) -> [String] {
    var out: [String] = []
    var current = ""
    for ch in text {
        current.append(ch)
        if ch == "\n" || ch == "\r\n" {
            out.append(current)
            current = ""
        }
    }
    if !current.isEmpty { out.append(current) }
    return out
}
