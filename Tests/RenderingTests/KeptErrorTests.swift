import Foundation
import NotebookModel
import Testing
@testable import Rendering

/// A cell marked `//| error: true` that throws: the Runner passes the error on as
/// "error: …" text and the run goes on; both reports show it as an error box in place.
@Suite struct KeptErrorTests {
    static func notebook(errorOption: Bool) -> ExecutedNotebook {
        var nb = Sample.minimal()
        nb.notebook.blocks = [
            .cell(
                Cell(
                    index: 0, line: 5, source: "try load(\"missing.csv\")",
                    options: CellOptions(error: errorOption)))
        ]
        nb.results[0] = CellResult(
            outputs: [.text("error: file not found: missing.csv")], seconds: 0.1)
        return nb
    }

    @Test func theHTMLShowsTheErrorAsABox() throws {
        let html = try HTMLRenderer().render(Self.notebook(errorOption: true))
        #expect(
            html.contains(
                "<div class=\"error kept\" role=\"note\"><p class=\"error-title\">Cell 1 threw an error (shown because of error: true)</p>\n<pre>file not found: missing.csv</pre>"
            ))
    }

    @Test func withoutTheOptionTheTextStaysText() throws {
        let html = try HTMLRenderer().render(Self.notebook(errorOption: false))
        #expect(
            html.contains("<pre class=\"text-output\">error: file not found: missing.csv</pre>"))
    }

    @Test func thePDFShowsTheErrorToo() throws {
        let data = try PDFRenderer().render(Self.notebook(errorOption: true))
        let url = try temporaryDirectory().appendingPathComponent("e.pdf")
        try data.write(to: url)
        let text = normalized(try run("pdftotext", [url.path, "-"]))
        #expect(
            text.contains(
                "Cell 1 threw an error (shown because of error: true) file not found: missing.csv"))
    }
}
