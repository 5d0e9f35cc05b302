import Foundation
import NotebookModel
import Testing
@testable import Rendering

/// The HTML report at every width (issue 20, item 1). Chromium checks the rendered page
/// (`.ci/check-html`); these check what the renderer writes for it.
@Suite struct ResponsiveHTMLTests {
    let html = try! HTMLRenderer().render(Sample.report())

    @Test func aFigureKeepsTheWidthAtWhichItsSmallestTextIsNinePixels() {
        let svg =
            #"<svg width="474pt" viewBox="0 0 474 322.58"><text font-size="7">a</text><text font-size="9.5">b</text></svg>"#
        // 9 px × 474 / 7 = 609.4 → 610 px; height over width 322.58 / 474.
        #expect(SVGInline.sizeStyle(svg) == " style=\"--fig-min: 610px; --fig-ratio: 0.6805\"")
        #expect(SVGInline.sizeStyle("<svg><text>no view box</text></svg>") == "")
        #expect(html.contains("<div class=\"figure-body\" style=\"--fig-min: "))
    }

    @Test func aFigureScrollsInItsBoxAndOpensFullSize() {
        #expect(HTMLStyle.css.contains(".figure-body { overflow-x: auto;"))
        #expect(HTMLStyle.css.contains("min-width: var(--fig-min, 0)"))
        #expect(HTMLStyle.css.contains(".figure.zoomed .figure-body { position: fixed;"))
        #expect(HTMLStyle.script.contains("\"fig-zoom\""))
    }

    @Test func aColumnOfLongTextKeepsAMinimumWidth() throws {
        var nb = Sample.minimal()
        nb.notebook.blocks = [.cell(Cell(index: 0, line: 1, source: "x"))]
        nb.results[0] = CellResult(
            outputs: [
                .table(
                    Table(
                        columns: ["source", "n"],
                        rows: [
                            ["synthetic FER (scale 0.1, seed 2024, label noise 0.1)", "2873"]
                        ]))
            ], seconds: 0)
        let out = try HTMLRenderer().render(nb)
        #expect(out.contains("<td class=\"l wide\">synthetic FER"))
        #expect(out.contains("<td class=\"r\">2873</td>"))
    }

    @Test func aCommandWrapsAndSwiftCodeScrolls() throws {
        var nb = Sample.minimal()
        nb.notebook.blocks = [
            .prose(.code(language: "sh", text: "emotive render x.md -p a=b")),
            .prose(.code(language: "swift", text: "let x = 1")),
        ]
        let out = try HTMLRenderer().render(nb)
        #expect(out.contains("<pre class=\"code wrap\"><code>emotive render"))
        #expect(out.contains("<pre class=\"code\"><code><span class=\"tok-keyword\">let</span>"))
        #expect(HTMLStyle.css.contains("pre.wrap { white-space: pre-wrap;"))
        #expect(
            HTMLStyle.css.contains(".text-output {")
                && HTMLStyle.css.contains("white-space: pre-wrap; overflow-wrap: anywhere; }"))
    }

    @Test func wideScreensGetTheContentsAsASidebar() throws {
        #expect(html.contains("<body class=\"with-toc\">"))
        #expect(HTMLStyle.css.contains("@media screen and (min-width: 1100px)"))
        #expect(HTMLStyle.css.contains("position: sticky"))
        #expect(HTMLStyle.script.contains("aria-current"))
        #expect(try HTMLRenderer().render(Sample.minimal()).contains("<body>\n"))
    }

    @Test func theScriptAddsPermalinksAndCopyButtons() {
        #expect(HTMLStyle.script.contains("a.className = \"anchor\""))
        #expect(HTMLStyle.script.contains("button(\"copy\", \"Copy code\", \"Copy\")"))
        #expect(html.contains("<script>"))
    }

    @Test func darkModeFollowsTheSystemWithFiguresOnALightCard() {
        #expect(html.contains("<meta name=\"color-scheme\" content=\"light dark\">"))
        #expect(HTMLStyle.css.contains("@media screen and (prefers-color-scheme: dark)"))
        #expect(HTMLStyle.css.contains(".figure-body { background: #fff;"))
    }

    @Test func printingHidesTheButtonsAndDropsTheMinimumWidths() {
        let print = HTMLStyle.css.components(separatedBy: "@media print")[1]
        #expect(print.contains(".controls, .copy, .fig-zoom, .anchor { display: none; }"))
        #expect(print.contains(".figure-body svg { min-width: 0; }"))
    }
}
