import Foundation
import NotebookModel
import Testing
@testable import Rendering

/// Callouts, conditional blocks and citations in both renderers, from hand-built notebooks.
@Suite struct DivAndCitationTests {
    static let references = [
        BibliographyEntry(
            id: "goodfellow2013", authors: ["Ian Goodfellow", "Dumitru Erhan", "Yoshua Bengio"],
            title: "Challenges in Representation Learning", year: "2013", container: "ICONIP",
            url: "https://arxiv.org/abs/1307.0414"),
        BibliographyEntry(
            id: "he2016", authors: ["Kaiming He"], title: "Deep Residual Learning", year: "2016"),
        BibliographyEntry(id: "hidden", title: "Cited Only In Hidden Prose"),
        BibliographyEntry(id: "unused", title: "Never Cited"),
    ]

    /// Condition 0 held ("true"), condition 2 did not; the hidden block cites `hidden`.
    static func notebook() -> ExecutedNotebook {
        var nb = Sample.minimal()
        nb.notebook.frontMatter.references = references
        nb.notebook.blocks = [
            .prose(
                .paragraph([
                    .text("Residual nets "), .citation([CitationItem(key: "he2016")]), .text("."),
                ])),
            .prose(
                .conditional(
                    Conditional(
                        index: 0, source: "good",
                        blocks: [
                            .heading(level: 1, [.text("Shown section")]),
                            .paragraph([
                                .text("SHOWN-TEXT is "), .inlineExpression(index: 1, source: "x"),
                                .text(" "),
                                .citation([
                                    CitationItem(key: "goodfellow2013", locator: "p. 3"),
                                    CitationItem(key: "he2016"),
                                ]),
                            ]),
                        ]))),
            .prose(
                .conditional(
                    Conditional(
                        index: 2, source: "good", negated: true,
                        blocks: [
                            .paragraph([
                                .text("HIDDEN-TEXT "), .citation([CitationItem(key: "hidden")]),
                            ])
                        ]))),
            .prose(
                .callout(
                    Callout(
                        kind: .warning, title: "Small data",
                        blocks: [
                            .paragraph([.text("Only a few images.")]),
                            .conditional(
                                Conditional(
                                    index: 3, source: "bad",
                                    blocks: [.paragraph([.text("HIDDEN-IN-CALLOUT")])])),
                            .list(
                                ordered: false, start: 1,
                                items: [[.paragraph([.text("first point")])]]),
                        ]))),
            .prose(.callout(Callout(kind: .tip, blocks: [.paragraph([.text("A tip.")])]))),
        ]
        nb.inlineValues = [0: "true", 1: "42", 2: "true", 3: "false"]
        return nb
    }

    @Test func aConditionalBlockShowsItsProseOnlyWhenItsConditionHeld() throws {
        let html = try HTMLRenderer().render(Self.notebook())
        #expect(html.contains("SHOWN-TEXT is <span class=\"inline-value\" title=\"x\">42</span>"))
        #expect(!html.contains("HIDDEN-TEXT"), "unless= with a true condition hides the block")
        #expect(!html.contains("HIDDEN-IN-CALLOUT"))
        #expect(
            html.contains("<span class=\"secnum\">1</span> Shown section</h2>"),
            "a heading in a shown block is numbered like any other")
    }

    @Test func calloutsAreLabelledBoxes() throws {
        let html = try HTMLRenderer().render(Self.notebook())
        #expect(
            html.contains(
                "<div class=\"callout callout-warning\" role=\"note\">\n<p class=\"callout-title\">Warning: Small data</p>\n<p>Only a few images.</p>"
            ))
        #expect(
            html.contains(
                "<div class=\"callout callout-tip\" role=\"note\">\n<p class=\"callout-title\">Tip</p>"
            ))
        #expect(html.contains(".callout-warning {"), "the style sheet styles every kind")
    }

    @Test func citationsAreNumberedInOrderOfFirstCitationInTheShownProse() throws {
        let html = try HTMLRenderer().render(Self.notebook())
        #expect(
            html.contains(
                "Residual nets <span class=\"citation\">[<a href=\"#ref-he2016\">1</a>]</span>."))
        #expect(
            html.contains(
                "<span class=\"citation\">[<a href=\"#ref-goodfellow2013\">2, p. 3</a>, <a href=\"#ref-he2016\">1</a>]</span>"
            ))
        let section = try #require(
            html.range(of: "<section class=\"references\" id=\"references\">\n<h2>References</h2>"))
        let rest = String(html[section.upperBound...])
        #expect(
            rest.contains(
                "<li id=\"ref-he2016\"><span class=\"ref-number\">[1]</span> Kaiming He. <em>Deep Residual Learning</em>. 2016.</li>"
            ))
        #expect(
            rest.contains(
                "<li id=\"ref-goodfellow2013\"><span class=\"ref-number\">[2]</span> Ian Goodfellow, Dumitru Erhan and Yoshua Bengio. "
                    + "<em>Challenges in Representation Learning</em>. ICONIP, 2013. "
                    + "<a href=\"https://arxiv.org/abs/1307.0414\">https://arxiv.org/abs/1307.0414</a></li>"
            ))
        #expect(!rest.contains("Never Cited"), "uncited entries are not listed")
        #expect(
            !rest.contains("Cited Only In Hidden Prose"), "citations in hidden blocks do not count")
        #expect(section.lowerBound > html.range(of: "</main>")!.lowerBound)
    }

    @Test func aReportWithoutCitationsHasNoReferencesSection() throws {
        #expect(!(try HTMLRenderer().render(Sample.minimal())).contains("References"))
    }

    @Test func thePDFHasTheCalloutLabelsTheChosenProseAndTheReferences() throws {
        let url = try temporaryDirectory().appendingPathComponent("divs.pdf")
        try PDFRenderer().render(Self.notebook(), to: url)
        let text = normalized(try run("pdftotext", [url.path, "-"]))
        #expect(text.contains("Warning: Small data Only a few images."))
        #expect(text.contains("• first point"))
        #expect(text.contains("Tip A tip."))
        #expect(text.contains("SHOWN-TEXT is 42 [2, p. 3, 1]"))
        #expect(!text.contains("HIDDEN"))
        #expect(
            text.contains(
                "References [1] Kaiming He. Deep Residual Learning. 2016. [2] Ian Goodfellow, Dumitru Erhan and Yoshua Bengio. Challenges in Representation Learning. ICONIP, 2013. https://arxiv.org/abs/"
            ))
        #expect(!text.contains("Never Cited"))
        let info = try run("pdfinfo", ["-dests", url.path])
        #expect(
            info.contains("ref-he2016") && info.contains("ref-goodfellow2013"),
            "citations have targets")
    }
}
