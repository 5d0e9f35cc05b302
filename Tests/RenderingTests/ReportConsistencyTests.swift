import Foundation
import Testing
@testable import Rendering

/// The HTML and the PDF of one notebook hold the same headings, figures and tables, in
/// the same order, with the same numbers and captions.
@Suite struct ReportConsistencyTests {
    let html: String
    let pdf: RenderedPDF

    init() throws {
        html = try HTMLRenderer().render(Sample.report())
        pdf = try RenderedPDF.a4.get()
    }

    /// "1.1 Data", in document order, from the HTML headings.
    var htmlHeadings: [String] {
        html.matches(of: #/<h[2-6] id="[^"]*"><span class="secnum">([0-9.]+)</span> ([^<]*)</h/#)
            .map { "\($0.1) \($0.2)" }
    }

    /// "Figure 1. Caption" / "Table 2. Caption", in document order, from the HTML.
    var htmlCaptions: [String] {
        html.matches(
            of:
                #/<span class="caption-label">((?:Figure|Table) [0-9]+\.)</span> ([^<]*)</figcaption>/#
        )
        .map { "\($0.1) \($0.2)" }
    }

    @Test func bothHoldTheSameHeadingsInOrder() {
        #expect(
            htmlHeadings == [
                "1 Introduction", "1.1 Data", "2 Results", "2.1 Long outputs", "3 Discussion",
            ])
        var rest = Substring(pdf.text)
        for heading in htmlHeadings {
            guard let r = rest.range(of: heading) else {
                Issue.record("PDF lacks \(heading) in order"); return
            }
            rest = rest[r.upperBound...]
        }
    }

    @Test func bothHoldTheSameFiguresAndTablesInOrder() {
        #expect(htmlCaptions.count == 4)
        let pdfLabels = pdf.pages.joined(separator: "\n").split(separator: "\n")
            .compactMap {
                $0.trimmingSpaces().firstMatch(of: #/^((?:Figure|Table) [0-9]+\.)/#).map {
                    String($0.1)
                }
            }
        #expect(pdfLabels == htmlCaptions.map { String($0.prefix { $0 != "." }) + "." })
        for caption in htmlCaptions { #expect(pdf.text.contains(caption), "PDF lacks \(caption)") }
    }
}
