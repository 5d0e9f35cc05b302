import NotebookModel
import Testing
@testable import Runner

/// `show(markdown:)` and captions go through the notebook's own prose parser (cmark-gfm).
@Suite struct GeneratedMarkdownTests {
    @Test func captionsReadEmphasisCodeAndLinks() {
        #expect(
            GeneratedMarkdown.caption("**bold** and *em* with `code` and [a link](https://x.org)")
                == [
                    .strong([.text("bold")]), .text(" and "), .emphasis([.text("em")]),
                    .text(" with "),
                    .code("code"), .text(" and "), .link(url: "https://x.org", [.text("a link")]),
                ])
    }

    @Test func escapesEntitiesAndIntrawordUnderscoresAreText() {
        #expect(
            GeneratedMarkdown.caption(#"2 \* 3 \`x\` &amp; val_accuracy_last"#)
                == [.text("2 * 3 `x` & val_accuracy_last")])
    }

    @Test func unmatchedMarkersStayText() {
        #expect(GeneratedMarkdown.caption("2 * 3 = 6, `open") == [.text("2 * 3 = 6, `open")])
    }

    @Test func captionsKnowCrossReferencesAndMath() {
        #expect(
            GeneratedMarkdown.caption("As @fig-cm shows, $x^2$ grows.") == [
                .text("As "), .crossReference(label: "fig-cm"), .text(" shows, "), .math("x^2"),
                .text(" grows."),
            ])
    }

    @Test func citationsAndInlineExpressionsBelongToTheNotebook() {
        #expect(
            GeneratedMarkdown.caption("See [@he2016] and `{swift} x`.") == [
                .text("See [@he2016] and "), .code("{swift} x"), .text("."),
            ])
    }

    @Test func aCaptionThatIsNotAParagraphIsItsText() {
        #expect(GeneratedMarkdown.caption("- one") == [.text("- one")])
    }

    @Test func headingsListsAndParagraphsAreRead() {
        let blocks = GeneratedMarkdown.blocks(
            "# Summary\n\nTwo\nlines.\n\n- a\n- b\n\n3. three\n4. four")
        #expect(
            blocks == [
                .paragraph([.strong([.text("Summary")])]),
                .paragraph([.text("Two"), .softBreak, .text("lines.")]),
                .list(
                    ordered: false, start: 0,
                    items: [[.paragraph([.text("a")])], [.paragraph([.text("b")])]]),
                .list(
                    ordered: true, start: 3,
                    items: [[.paragraph([.text("three")])], [.paragraph([.text("four")])]]),
            ])
    }

    @Test func aSwiftFenceInShownMarkdownIsCodeNotACell() {
        #expect(
            GeneratedMarkdown.blocks("```swift\nlet x = 1\n\nlet y = 2\n```")
                == [.code(language: "swift", text: "let x = 1\n\nlet y = 2")])
    }

    @Test func theExecutedNotebookCarriesEveryMarkdownTextParsed() {
        let cell = Cell(
            index: 0, line: 1, source: "x", options: CellOptions(caption: "From the *cell*."))
        let executed = ExecutedNotebook(
            notebook: Notebook(
                path: "m.md", frontMatter: FrontMatter(title: "M"), blocks: [.cell(cell)]),
            results: [
                0: CellResult(
                    outputs: [
                        .markdown("**Total:** 2"),
                        .table(Table(caption: "A `table`.", columns: ["a"], rows: [["1"]])),
                    ],
                    seconds: 0)
            ],
            provenance: Provenance(emotiveVersion: "0", machine: "test", executedAt: "now"))
        let parsed = GeneratedMarkdown.parse(executed)
        #expect(parsed["**Total:** 2"] == [.paragraph([.strong([.text("Total:")]), .text(" 2")])])
        #expect(
            parsed["From the *cell*."] == [
                .paragraph([.text("From the "), .emphasis([.text("cell")]), .text(".")])
            ])
        #expect(parsed["A `table`."] == [.paragraph([.text("A "), .code("table"), .text(".")])])
    }
}
