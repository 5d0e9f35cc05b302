import Foundation
import NotebookModel
import Plots
import XMLEscaping
import Testing
@testable import Rendering

/// Text with control characters (a NUL, a bell, an escape, a form feed) reaches the reports
/// through prose and titles; the one escaper drops what XML 1.0 forbids and escapes the
/// five special characters, so the HTML and the PDF's Pango markup stay well-formed.
@Suite struct ControlCharacterTests {
    static let noisy = "it's <a&b> \"q\"\u{0}\u{7}\u{1B}\u{C}\u{7F}\tend"

    @Test func theEscaperStatesOneRule() {
        #expect(escapeXML(Self.noisy) == "it&#39;s &lt;a&amp;b&gt; &quot;q&quot;\tend")
        #expect(escapeXML("line\r\nnext") == "line\r\nnext")
        #expect(escapeXML("ä → \u{FFFF}ok") == "ä → ok")
    }

    @Test func theHTMLReportHasNoForbiddenControlCharacters() throws {
        var report = Sample.minimal()
        report.notebook.frontMatter.title = "Title\u{1}"
        report.notebook.blocks = [.prose(.paragraph([.text(Self.noisy)]))]
        let html = try HTMLRenderer().render(report)
        #expect(html.contains("it&#39;s &lt;a&amp;b&gt; &quot;q&quot;\tend"))
        let forbidden = html.unicodeScalars.filter {
            $0.value < 0x20 && !["\t", "\n", "\r"].contains($0)
        }
        #expect(forbidden.isEmpty)
    }

    @Test func thePDFMarkupIsTheSameEscaping() {
        #expect(escapeMarkup(Self.noisy) == escapeXML(Self.noisy))
        #expect(esc(Self.noisy) == escapeXML(Self.noisy))
    }
}
