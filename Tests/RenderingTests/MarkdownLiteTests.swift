import NotebookModel
import Testing
@testable import Rendering

@Suite struct MarkdownLiteTests {
    @Test func paragraphsListsAndHeadingsAreRead() {
        let blocks = MarkdownLite.parse("# Summary\n\nTwo\nlines.\n\n- a\n- b\n\n1. one\n2. two")
        #expect(blocks == [
            .paragraph([.strong([.text("Summary")])]),
            .paragraph([.text("Two lines.")]),
            .list(ordered: false, start: 1, items: [[.paragraph([.text("a")])], [.paragraph([.text("b")])]]),
            .list(ordered: true, start: 1, items: [[.paragraph([.text("one")])], [.paragraph([.text("two")])]]),
        ])
    }

    @Test func inlineMarkupIsRead() {
        #expect(MarkdownLite.inlines("**bold** and *em* with `code` and [a link](https://x.org)") == [
            .strong([.text("bold")]), .text(" and "), .emphasis([.text("em")]), .text(" with "),
            .code("code"), .text(" and "), .link(url: "https://x.org", [.text("a link")]),
        ])
    }

    @Test func unmatchedMarkersStayText() {
        #expect(MarkdownLite.inlines("2 * 3 = 6, `open") == [.text("2 * 3 = 6, `open")])
    }

    @Test func fencedCodeIsKeptVerbatim() {
        #expect(MarkdownLite.parse("```swift\nlet x = 1\n\nlet y = 2\n```") ==
                [.code(language: "swift", text: "let x = 1\n\nlet y = 2")])
    }
}
