import Foundation
import NotebookModel
import Testing
@testable import Rendering

@Suite struct HTMLReportTests {
    let html = try! HTMLRenderer().render(Sample.report())

    @Test func theReportIsOneDocumentWithTitleBlock() {
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.contains("<title>Facial Emotion Recognition &lt;FER-2013&gt;</title>"))
        #expect(html.contains("<span class=\"author\">A. Researcher</span>"))
        #expect(html.contains("<span class=\"date\">2026-11-25</span>"))
    }

    @Test func nothingIsFetchedFromElsewhere() {
        #expect(!html.contains("<link"))
        #expect(!html.contains("src=\"http"))
        #expect(!html.contains("@import"))
        #expect(!html.contains("url(http"))
        #expect(html.contains("<style>"))
        #expect(html.contains("<svg"))
    }

    @Test func theTableOfContentsLinksEverySection() {
        for id in [
            "sec-introduction", "sec-data", "sec-results", "sec-long-outputs", "sec-discussion",
        ] {
            #expect(html.contains("<a href=\"#\(id)\">"))
            #expect(html.contains("id=\"\(id)\""))
        }
        #expect(html.contains("<h3 id=\"sec-data\"><span class=\"secnum\">1.1</span> Data</h3>"))
    }

    @Test func crossReferencesBecomeNumberedLinks() {
        #expect(html.contains("<a class=\"xref\" href=\"#fig-curves\">Figure 1</a>"))
        #expect(html.contains("<a class=\"xref\" href=\"#tbl-accuracy\">Table 1</a>"))
        #expect(html.contains("<a class=\"xref\" href=\"#sec-data\">Section 1.1</a>"))
    }

    @Test func anUnknownCrossReferenceIsShownAsMissing() throws {
        var nb = Sample.minimal()
        nb.notebook.blocks = [.prose(.paragraph([.crossReference(label: "fig-nope")]))]
        #expect(try HTMLRenderer().render(nb).contains("?@fig-nope"))
    }

    @Test func inlineExpressionsShowTheValueTheRunProduced() {
        #expect(html.contains("<span class=\"inline-value\" title=\"best\">64.1%</span>"))
    }

    @Test func figuresAndTablesAreNumberedWithCaptions() {
        #expect(html.contains("<figure class=\"figure\" id=\"fig-curves\">"))
        #expect(
            html.contains(
                "<span class=\"caption-label\">Figure 1.</span> Training and validation accuracy per epoch."
            ))
        #expect(
            html.contains(
                "<span class=\"caption-label\">Table 2.</span> Per-image predictions (long)."))
    }

    @Test func captionsMayUseInlineMarkdown() throws {
        var nb = Sample.minimal()
        nb.notebook.blocks = [.cell(Cell(index: 0, line: 1, source: "x"))]
        nb.results[0] = CellResult(
            outputs: [
                .table(
                    Table(caption: "Counts; *disgust* is `rare`.", columns: ["a"], rows: [["1"]]))
            ], seconds: 0)
        #expect(
            try HTMLRenderer().render(nb.parsingMarkdown()).contains(
                "Table 1.</span> Counts; <em>disgust</em> is <code>rare</code>.</figcaption>"))
    }

    @Test func numericColumnsAreRightAligned() {
        #expect(html.contains("<td class=\"r\">0.512</td>"))
        #expect(html.contains("<td class=\"l\">Simple CNN</td>"))
    }

    @Test func proseTablesAlignNumbersRightToo() throws {
        var nb = Sample.minimal()
        nb.notebook.blocks = [
            .prose(
                .table(
                    header: [[.text("k")], [.text("v")]], alignments: [.none, .none],
                    rows: [[[.text("a")], [.text("1.5")]]]))
        ]
        #expect(
            try HTMLRenderer().render(nb).contains("<td class=\"l\">a</td><td class=\"r\">1.5</td>")
        )
    }

    @Test func placeholderCellsDoNotMakeANumericColumnText() {
        let t = Table(
            columns: ["model", "accuracy"], rows: [["a", "24.81%"], ["b", "–"], ["c", ""]])
        #expect(ReportText.alignments(t) == [.left, .right])
    }

    @Test func aTableWithoutColumnsKeepsItsCaption() throws {
        var nb = Sample.minimal()
        nb.notebook.blocks = [.cell(Cell(index: 0, line: 1, source: "x"))]
        nb.results[0] = CellResult(
            outputs: [.table(Table(caption: "Nothing.", columns: [], rows: []))], seconds: 0)
        let html = try HTMLRenderer().render(nb)
        #expect(html.contains("Table 1.</span> Nothing."))
        #expect(!html.contains("<thead><tr></tr>"))
    }

    @Test func codeIsFoldedPerCellAndHighlighted() {
        #expect(
            html.contains(
                "<details class=\"cell-code\"><summary>Code <span class=\"cell-meta\">cell 1 · line 20 · 0.42 s</span>"
            ))
        #expect(html.contains("<span class=\"tok-keyword\">let</span>"))
        #expect(html.contains("id=\"toggle-code\""))
        #expect(html.contains("<script>"))
    }

    @Test func echoFalseHidesTheCode() {
        // Cell 3 (index 2) has echo: false.
        let cell = html.components(separatedBy: "<div class=\"cell\" id=\"cell-3\">")[1]
            .components(separatedBy: "</div>\n")[0]
        #expect(!cell.contains("<details"))
        #expect(cell.contains("Table 1."))
    }

    @Test func textIsEscaped() {
        #expect(html.contains("FER-2013 &amp; report"))
        #expect(html.contains("href=\"https://example.org/fer?a=1&amp;b=%3C2%3E\""))
        #expect(!html.contains("<FER-2013>"))
    }

    @Test func expectationsAndMetricsAreShown() {
        #expect(html.contains("<p class=\"expectation pass\">"))
        #expect(html.contains("Passed: beats chance (line 220)"))
        #expect(html.contains("<p class=\"expectation fail\">"))
        #expect(
            html.contains(
                "<span class=\"metric-name\">best</span> = <span class=\"metric-value\">0.641</span>"
            ))
    }

    @Test func aFailureIsShownInPlaceAtItsCell() throws {
        let partial = try HTMLRenderer().render(Sample.report(failure: true))
        let failing = partial.components(separatedBy: "<div class=\"cell\" id=\"cell-7\">")[1]
        #expect(failing.hasPrefix("\n<details"))
        #expect(
            failing.contains(
                "<div class=\"error\" role=\"alert\"><p class=\"error-title\">Cell 7 failed at line 230</p>\n<pre>Fatal error: index out of range &lt;x&gt;</pre>"
            ))
        let after = partial.components(separatedBy: "<div class=\"cell\" id=\"cell-8\">")[1]
        #expect(after.contains("Not run: the run stopped at cell 7."))
        #expect(partial.contains("<p class=\"run-stopped\" role=\"alert\">"))
    }

    @Test func theFooterRecordsProvenance() {
        let footer = html.components(separatedBy: "<footer class=\"provenance\"")[1]
        for text in [
            "abc1234", "0.1.0", "dataset = synthetic, epochs = 3", "<dd>ci</dd>",
            "sha256:feed", "x86_64 Linux, 2 cores",
            "<dt>Executed</dt><dd>2026-11-25T15:00:00Z</dd>", "1.50 s",
        ] {
            #expect(footer.contains(text), "footer lacks \(text)")
        }
    }

    @Test func timesReadNaturally() {
        #expect(ReportText.seconds(0) == "< 1 ms")
        #expect(ReportText.seconds(0.004) == "0.004 s")
        #expect(ReportText.seconds(3.1) == "3.10 s")
        #expect(ReportText.seconds(452) == "452 s")
    }

    @Test(
        "outputs thawed from the freeze cache render the same report as the run that computed them")
    func frozenOutputsRenderTheSameReport() throws {
        var nb = Sample.minimal()
        let executed = try HTMLRenderer().render(nb)
        nb.provenance.frozen = true
        #expect(try HTMLRenderer().render(nb) == executed)
        #expect(try PDFRenderer().render(nb) == PDFRenderer().render(Sample.minimal()))
    }

    @Test func aLocalImageIsEmbeddedAsADataURI() throws {
        let dir = try temporaryDirectory()
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        try Data(png).write(to: dir.appendingPathComponent("pic.png"))
        var nb = Sample.minimal()
        nb.notebook.path = dir.appendingPathComponent("nb.md").path
        nb.notebook.blocks = [
            .prose(
                .paragraph([
                    .image(url: "pic.png", alt: "a face"),
                    .image(url: "https://x.org/y.png", alt: "remote"),
                ]))
        ]
        let out = try HTMLRenderer().render(nb)
        #expect(out.contains("<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"a face\">"))
        #expect(!out.contains("src=\"https://x.org/y.png"))
        #expect(out.contains("[remote]"))
    }

    @Test func aNotebookWithoutCodeHasNoScript() throws {
        let out = try HTMLRenderer().render(Sample.minimal())
        #expect(!out.contains("<script>"))
        #expect(!out.contains("<nav"))
    }

    @Test func svgFiguresKeepUniqueIds() {
        #expect(html.contains("id=\"f1-"))
        #expect(html.contains("id=\"f2-"))
        #expect(!html.contains("<?xml"))
    }

    @Test func writeReplacesTheFileAtomically() throws {
        let url = try temporaryDirectory().appendingPathComponent("r.html")
        try HTMLRenderer().write(Sample.minimal(), to: url)
        #expect(
            try String(contentsOf: url, encoding: .utf8).contains(
                "<h1 class=\"title\">Minimal</h1>"))
    }
}
