import Foundation
import NotebookModel
import Plots
import Testing
@testable import Rendering

/// The sample report as a PDF, rendered once, and what poppler-utils read back from it.
struct RenderedPDF: Sendable {
    let url: URL
    let info: String
    /// The text of each page, from pdftotext.
    let pages: [String]

    init(failure: Bool = false, pageSize: PDFRenderer.PageSize = .a4) throws {
        url = try temporaryDirectory().appendingPathComponent("report.pdf")
        try PDFRenderer(pageSize: pageSize).render(Sample.report(failure: failure), to: url)
        info = try run("pdfinfo", [url.path])
        pages = try run("pdftotext", ["-layout", url.path, "-"]).components(separatedBy: "\u{0C}")
            .dropLast()
    }

    /// All text with whitespace runs collapsed to single spaces.
    var text: String { normalized(pages.joined(separator: " ")) }

    static let a4 = Result { try RenderedPDF() }
}

func normalized(_ s: String) -> String {
    s.split(whereSeparator: { $0.isWhitespace || $0 == "\u{2003}" }).joined(separator: " ")
}

@Suite struct PDFReportTests {
    let pdf: RenderedPDF

    init() throws { pdf = try RenderedPDF.a4.get() }

    @Test("the PDF embeds only the pinned report fonts, and the styles name only pinned families")
    func onlyThePinnedFonts() throws {
        let listing = try run("pdffonts", [pdf.url.path]).split(separator: "\n").dropFirst(2)
        let names = listing.compactMap { $0.split(separator: " ").first }.map { name in
            // "ABCDEF+LiberationSerif-Bold" → "LiberationSerif-Bold"
            String(name.drop { $0 != "+" }.dropFirst())
        }
        #expect(!names.isEmpty)
        for name in names {
            let stem = String(name.prefix { $0 != "-" })
            #expect(
                ReportFonts.postScriptStems.contains(stem),
                "\(name) is not one of the pinned report fonts")
        }
        #expect(
            names.contains { $0.hasPrefix("LiberationSerif") }
                && names.contains { $0.hasPrefix("LiberationSans") })
        for family in [PDFStyle.serifFamily, PDFStyle.sansFamily, PDFStyle.monoFamily] {
            #expect(ReportFonts.families.contains(family))
        }
    }

    @Test("a missing report font is an error naming the Debian package, not a silent substitute")
    func missingFontNamesThePackage() {
        let absent = ReportFonts.File(
            family: "Liberation Serif", package: "fonts-liberation2",
            path: "/nonexistent/LiberationSerif-Regular.ttf")
        #expect { try ReportFonts.verify([absent] + ReportFonts.files) } throws: { e in
            let text = "\(e)"
            return text.contains("Liberation Serif")
                && text.contains("apt-get install fonts-liberation2")
                && text.contains("/nonexistent/LiberationSerif-Regular.ttf")
        }
        #expect(throws: Never.self) { try ReportFonts.verify(ReportFonts.files) }
    }

    @Test func pdfinfoShowsTitleAuthorAndA4() {
        #expect(pdf.info.contains("Title:           Facial Emotion Recognition <FER-2013>"))
        #expect(pdf.info.contains("Author:          A. Researcher"))
        #expect(pdf.info.contains("(A4)"))
    }

    @Test func letterPagesAreLetterSized() throws {
        let letter = try RenderedPDF(pageSize: .letter)
        #expect(letter.info.contains("612 x 792 pts (letter)"))
    }

    @Test func everyFontIsEmbedded() throws {
        let rows = try run("pdffonts", [pdf.url.path]).split(separator: "\n").dropFirst(2)
        #expect(rows.count >= 3)
        for row in rows {
            let fields = row.split(separator: " ")
            #expect(fields[fields.count - 5] == "yes", "not embedded: \(row)")
        }
    }

    @Test func everyHeadingAndCaptionIsInTheText() {
        let expected = [
            "1 Introduction", "1.1 Data", "2 Results", "2.1 Long outputs", "3 Discussion",
            "Figure 1. Training and validation accuracy per epoch.",
            "Table 1. Test accuracy by model.",
            "Table 2. Per-image predictions (long).", "Figure 2. Training loss.", "PROVENANCE",
        ]
        for e in expected { #expect(pdf.text.contains(e), "missing \(e)") }
    }

    @Test func proseKeepsItsMarkupAndResolvedValues() {
        #expect(
            pdf.text.contains(
                "We train three networks on FER-2013 & report balanced accuracy with Adam(learningRate: 1e-5). See Figure 1 and Table 1; the data is described in Section 1.1."
            ))
        #expect(pdf.text.contains("The best test accuracy was 64.1%."))
        #expect(pdf.text.contains("Passed: beats chance (line 220)"))
        #expect(pdf.text.contains("best = 0.641"))
    }

    @Test func everyPageRenders() throws {
        let dir = try temporaryDirectory()
        _ = try run(
            "pdftoppm", ["-r", "20", "-png", pdf.url.path, dir.appendingPathComponent("p").path])
        let pngs = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter {
            $0.hasSuffix(".png")
        }
        #expect(pngs.count == pdf.pages.count)
        #expect(pdf.info.contains("Pages:           \(pdf.pages.count)"))
        #expect(pdf.pages.count >= 4)
    }

    @Test func theLongTableRepeatsItsHeaderAfterEachPageBreak() {
        let continued = pdf.pages.filter { $0.contains("Table 2 (continued)") }
        #expect(continued.count >= 1)
        for page in continued {
            #expect(normalized(page).contains("Table 2 (continued) Image Predicted Confidence"))
        }
        for i in 1...90 {
            let name = "image_\(String(format: "%03d", i)).png"
            #expect(pdf.text.components(separatedBy: name).count == 2, "\(name) should appear once")
        }
    }

    @Test func theLongCodeCellBreaksAcrossPages() {
        let first = pdf.pages.firstIndex { $0.contains("let step2 = 2 * 0.5") }
        let last = pdf.pages.firstIndex { $0.contains("let step140 = 140 * 0.5") }
        #expect(first != nil && last != nil && first! < last!)
        for i in 2...140 where i % 10 != 1 {
            #expect(pdf.text.contains("let step\(i) = \(i) * 0.5 + lossScale // line \(i)"))
        }
    }

    @Test func nothingIsDrawnOutsideTheTextArea() throws {
        // Every word's box lies within the page less a margin; header and page numbers included.
        let bbox = try run("pdftotext", ["-bbox", pdf.url.path, "-"])
        let number =
            #/x(Min|Max)="([0-9.]+)" y(Min|Max)="([0-9.]+)" x(Min|Max)="([0-9.]+)" y(Min|Max)="([0-9.]+)"/#
        var words = 0
        for match in bbox.matches(of: number) {
            words += 1
            let (x0, y0, x1, y1) = (
                Double(match.2)!, Double(match.4)!, Double(match.6)!, Double(match.8)!
            )
            #expect(
                x0 >= 60 && x1 <= 595.28 - 60 && y0 >= 30 && y1 <= 841.89 - 25,
                "word outside the page area at \(x0),\(y0)-\(x1),\(y1)")
        }
        #expect(words > 500)
    }

    @Test func theOutlineListsTheHeadings() throws {
        let raw = String(decoding: try Data(contentsOf: pdf.url), as: UTF8.self)
        #expect(raw.contains("/Outlines"))
        for title in [
            "1 Introduction", "1.1 Data", "2 Results", "2.1 Long outputs", "3 Discussion",
            "Provenance",
        ] {
            #expect(raw.contains("/Title (\(title))"), "no bookmark \(title)")
        }
    }

    @Test func crossReferencesAndLinksAreClickable() throws {
        let dests = try run("pdfinfo", ["-dests", pdf.url.path])
        for name in ["\"fig-curves\"", "\"tbl-accuracy\"", "\"sec-data\"", "\"tbl-per-image\""] {
            #expect(dests.contains(name), "no destination \(name)")
        }
        let raw = String(decoding: try Data(contentsOf: pdf.url), as: UTF8.self)
        #expect(raw.contains("/URI (https://example.org/fer?a=1&b=<2>)"))
        // Three cross-references and a URL in the text; the rest are the contents' entries.
        let links = try PDFLinks(pdf.url)
        #expect(
            links.destinations.filter { ["fig-curves", "tbl-accuracy"].contains($0) }.count == 2)
        #expect(links.uris.count == 1)
    }

    @Test func aFailureIsVisibleInPlace() throws {
        let partial = try RenderedPDF(failure: true)
        #expect(partial.text.contains("This report is partial. Cell 7 failed at line 230"))
        #expect(
            partial.text.contains(
                "try riskyStep() Cell 7 failed at line 230 Fatal error: index out of range <x>"))
        let code = partial.text.range(of: "print(\"after\")")
        let note = partial.text.range(of: "Not run: the run stopped at cell 7.")
        #expect(code != nil && note != nil && code!.upperBound <= note!.lowerBound)
    }

    @Test func thePDFCanBeRenderedToMemory() throws {
        let data = try PDFRenderer(pageSize: .letter).render(Sample.minimal())
        #expect(data.starts(with: Data("%PDF-".utf8)))
        #expect(String(decoding: data.suffix(8), as: UTF8.self).contains("%%EOF"))
    }

    @Test func narrowTablesAreCentredAndWideOnesWrap() {
        #expect(PDFWriter.fitColumns([50, 50], to: 200) == [100, 100])
        let wide = PDFWriter.fitColumns([40, 400, 200], minimum: [40, 60, 30], to: 340)
        #expect(wide[0] == 40)
        #expect(abs(wide.reduce(0, +) - 340) < 1e-9)
        #expect(wide[1] > wide[2])
        // A short-worded column keeps its longest word whole even beside long ones.
        let squeezed = PDFWriter.fitColumns(
            [80] + Array(repeating: 120, count: 6),
            minimum: Array(repeating: 50, count: 7), to: 425)
        #expect(squeezed.allSatisfy { $0 >= 50 })
        #expect(abs(squeezed.reduce(0, +) - 425) < 1e-9)
    }
}

@Suite struct PDFDeterminismTests {
    @Test func theSameNotebookGivesTheSameBytes() throws {
        let a = try PDFRenderer().render(Sample.report())
        let b = try PDFRenderer().render(Sample.report())
        #expect(a == b)
    }

    @Test func theCreationDateIsTheRenderTime() throws {
        let url = try temporaryDirectory().appendingPathComponent("d.pdf")
        try PDFRenderer().render(Sample.report(), to: url)
        #expect(
            try run("pdfinfo", [url.path]).contains("CreationDate:    Wed Nov 25 15:00:00 2026 UTC")
        )
    }
}

@Suite struct PDFFloatTests {
    /// A page of text, then a figure that does not fit below it, then a short paragraph.
    static func notebook(secondFigure: Bool) -> ExecutedNotebook {
        var nb = Sample.minimal()
        let filler = String(repeating: "Words fill the page before the figure arrives. ", count: 45)
        let figure = FigureOutput(
            caption: "A floating figure.",
            figure: .lines(series: [Series(name: "a", y: [1, 2, 3])]))
        var outputs: [CellOutput] = [.figure(figure)]
        if secondFigure {
            outputs.append(
                .figure(FigureOutput(caption: "The second figure.", figure: figure.figure)))
        }
        nb.notebook.blocks = [
            .prose(.paragraph([.text(filler)])),
            .cell(
                Cell(index: 0, line: 1, source: "show(chart)", options: CellOptions(echo: false))),
            .prose(.paragraph([.text("AFTER-TEXT follows the figure in the notebook.")])),
        ]
        nb.results[0] = CellResult(outputs: outputs, seconds: 0)
        return nb
    }

    static func pages(_ nb: ExecutedNotebook) throws -> [String] {
        let url = try temporaryDirectory().appendingPathComponent("f.pdf")
        try PDFRenderer().render(nb, to: url)
        return try run("pdftotext", [url.path, "-"]).components(separatedBy: "\u{0C}").map(
            normalized)
    }

    @Test func aFigureThatDoesNotFitFloatsToTheNextPageAndTextFillsTheGap() throws {
        let pages = try Self.pages(Self.notebook(secondFigure: false))
        #expect(pages[0].contains("AFTER-TEXT"))
        #expect(!pages[0].contains("Figure 1."))
        #expect(pages[1].contains("Figure 1. A floating figure."))
    }

    @Test func aHeadingStaysWithTheFigureThatOpensItsSection() throws {
        var nb = Self.notebook(secondFigure: false)
        nb.notebook.blocks.insert(.prose(.heading(level: 1, [.text("Where it errs")])), at: 1)
        let pages = try Self.pages(nb)
        #expect(!pages[0].contains("Where it errs"))
        #expect(pages[1].contains("1 Where it errs"))
        #expect(pages[1].contains("Figure 1. A floating figure."))
    }

    @Test func aShortTableIsNeverSplitAndFloatsLikeAFigure() throws {
        var nb = Self.notebook(secondFigure: false)
        let rows = (1...14).map { ["row \($0)", "\($0).5"] }
        nb.results[0] = CellResult(
            outputs: [
                .table(Table(caption: "Kept whole.", columns: ["name", "value"], rows: rows))
            ],
            seconds: 0)
        let pages = try Self.pages(nb)
        #expect(pages[0].contains("AFTER-TEXT"))
        #expect(!pages[0].contains("row 1 "))
        #expect(pages[1].contains("Table 1. Kept whole."))
        #expect(pages[1].contains("row 1 ") && pages[1].contains("row 14 "))
    }

    @Test func figuresNeverOvertakeEachOther() throws {
        let text = try Self.pages(Self.notebook(secondFigure: true)).joined(separator: " ")
        let first = text.range(of: "Figure 1. A floating figure.")
        let second = text.range(of: "Figure 2. The second figure.")
        #expect(first != nil && second != nil && first!.lowerBound < second!.lowerBound)
    }
}

@Suite struct PDFImageTests {
    @Test func aLocalPNGInTheProseIsDrawnAndAMissingOneShowsItsAltText() throws {
        let dir = try temporaryDirectory()
        // A small PNG, written by the Plots library's raster path.
        let png = dir.appendingPathComponent("dot.png")
        try Figure.lines(series: [Series(name: "a", y: [1, 2])], width: 40, height: 30)
            .pngData(dpi: 72).withUnsafeBufferPointer { try Data(buffer: $0).write(to: png) }
        var nb = Sample.minimal()
        nb.notebook.path = dir.appendingPathComponent("nb.md").path
        nb.notebook.blocks = [
            .prose(.paragraph([.image(url: "dot.png", alt: "a dot")])),
            .prose(.paragraph([.image(url: "gone.png", alt: "a missing picture")])),
        ]
        let url = dir.appendingPathComponent("img.pdf")
        try PDFRenderer().render(nb, to: url)
        let text = normalized(try run("pdftotext", [url.path, "-"]))
        #expect(!text.contains("[a dot]"))
        #expect(text.contains("[a missing picture]"))
        let images = try run("pdfimages", ["-list", url.path])
        #expect(images.split(separator: "\n").count == 3)  // header, rule, one image
    }
}
