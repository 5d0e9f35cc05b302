import Foundation
import NotebookModel
import Testing
@testable import Rendering

@Suite struct TextOutputTests {
    @Test func colourCodesAreRemoved() {
        #expect(ReportText.terminalText("\u{1B}[1;32mok\u{1B}[0m done\n") == "ok done")
    }

    @Test func aCarriageReturnOverwritesItsLine() {
        #expect(
            ReportText.terminalText("epoch 1 [==   ]\repoch 1 [=====]\nnext\r\n")
                == "epoch 1 [=====]\nnext")
    }

    @Test func otherControlCharactersAreDropped() {
        #expect(ReportText.terminalText("a\u{07}b\u{00}c\td") == "abc\td")
    }

    /// A cell that prints a progress bar with colours: both reports still show its text.
    static func noisy() -> ExecutedNotebook {
        var nb = Sample.minimal()
        nb.notebook.blocks = [.cell(Cell(index: 0, line: 3, source: "train()"))]
        nb.results[0] = CellResult(
            outputs: [
                .text("\u{1B}[33mloss\u{1B}[0m 0.5 <&>\u{08}\r\u{1B}[33mloss\u{1B}[0m 0.25 <&>\n")
            ],
            seconds: 1)
        return nb
    }

    @Test func theHTMLShowsTerminalOutputWithoutControlCharacters() throws {
        let html = try HTMLRenderer().render(Self.noisy())
        #expect(html.contains("<pre class=\"text-output\">loss 0.25 &lt;&amp;&gt;</pre>"))
        #expect(!html.unicodeScalars.contains { $0.value < 0x20 && !["\n", "\t"].contains($0) })
    }

    @Test func thePDFShowsTerminalOutputWithoutControlCharacters() throws {
        let url = try temporaryDirectory().appendingPathComponent("noisy.pdf")
        try PDFRenderer().render(Self.noisy(), to: url)
        let text = try run("pdftotext", [url.path, "-"])
        #expect(text.contains("loss 0.25 <&>"))
        #expect(!text.contains("0.5 <&>"))
    }
}
