import Foundation
import NotebookModel
import Plots
import Testing
@testable import Rendering

/// What a PDF's link annotations point at, read from the bytes Cairo writes (annotations
/// are plain objects: `/Subtype /Link … /Dest (name)` or `/URI (…)`), and its named
/// destinations as `pdfinfo -dests` lists them.
struct PDFLinks {
    var destinations: [String] = []
    var uris: [String] = []
    let defined: Set<String>

    init(_ url: URL) throws {
        let raw = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        for object in raw.components(separatedBy: "endobj") where object.contains("/Subtype /Link")
        {
            if let m = object.firstMatch(of: #/\/Dest \(((?:[^()\\]|\\.)*)\)/#) {
                destinations.append(String(m.1))
            }
            if let m = object.firstMatch(of: #/\/URI \(((?:[^()\\]|\\.)*)\)/#) {
                uris.append(String(m.1))
            }
        }
        let listing = try run("pdfinfo", ["-dests", url.path])
        defined = Set(
            listing.matches(of: #/"([^"]*)"\s*$/#.anchorsMatchLineEndings()).map { String($0.1) })
    }
}

@Suite struct PDFLinkTests {
    @Test(
        "cross-references, contents entries and URLs are link annotations, and every target exists")
    func everyLinkLeadsSomewhere() throws {
        let pdf = try RenderedPDF.a4.get()
        let links = try PDFLinks(pdf.url)
        for name in ["fig-curves", "tbl-accuracy", "sec-data"] {
            #expect(links.destinations.contains(name), "no link to \(name)")
        }
        // The contents page links every section, and Provenance.
        for id in [
            "sec-introduction", "sec-data", "sec-results", "sec-long-outputs", "sec-discussion",
            "provenance",
        ] {
            #expect(links.destinations.contains(id), "the contents do not link \(id)")
        }
        #expect(links.uris == ["https://example.org/fer?a=1&b=<2>"])
        for name in links.destinations {
            #expect(links.defined.contains(name), "link to \(name), which is not defined")
        }
    }

    @Test func citationsLinkToTheirReferencesEntries() throws {
        let url = try temporaryDirectory().appendingPathComponent("cite.pdf")
        try PDFRenderer().render(DivAndCitationTests.notebook(), to: url)
        let links = try PDFLinks(url)
        #expect(links.destinations.filter { $0 == "ref-he2016" }.count == 2)
        #expect(links.destinations.filter { $0 == "ref-goodfellow2013" }.count == 1)
        #expect(links.uris.contains("https://arxiv.org/abs/1307.0414"))
        for name in links.destinations { #expect(links.defined.contains(name)) }
    }

    @Test func aLinkInACaptionOrATableCellIsClickable() throws {
        var nb = Sample.minimal()
        let figure = FigureOutput(
            label: "fig-a", caption: "Compare with [the data](https://example.org/data).",
            figure: .lines(series: [Series(name: "a", y: [1, 2, 3])]))
        nb.notebook.blocks = [
            .cell(Cell(index: 0, line: 1, source: "show(x)", options: CellOptions(echo: false))),
            .prose(
                .table(
                    header: [[.text("See")]], alignments: [.left],
                    rows: [[[.crossReference(label: "fig-a")]]])),
        ]
        nb.results[0] = CellResult(
            outputs: [
                .figure(figure),
                .table(Table(label: "tbl-b", caption: "Numbers.", columns: ["n"], rows: [["1"]])),
            ],
            seconds: 0)
        let url = try temporaryDirectory().appendingPathComponent("caption.pdf")
        try PDFRenderer().render(nb.parsingMarkdown(), to: url)
        let links = try PDFLinks(url)
        #expect(links.destinations == ["fig-a"])
        #expect(links.uris == ["https://example.org/data"])
    }
}

@Suite struct PDFContentsTests {
    @Test("the contents page follows the title and gives each section's page")
    func contentsGiveThePages() throws {
        let pdf = try RenderedPDF.a4.get()
        let first = pdf.pages[0]
        #expect(first.contains("Contents"))
        #expect(
            !normalized(first).contains("We train three networks"),
            "the text starts on the next page")
        for heading in [
            "1 Introduction", "1.1 Data", "2 Results", "2.1 Long outputs", "3 Discussion",
            "Provenance",
        ] {
            // "1.1 Data ........ 2": the number after the leader is the page the heading is on.
            let line = try #require(
                first.split(separator: "\n").first {
                    normalized(String($0)).hasPrefix(heading + " ")
                },
                "no contents line for \(heading)")
            let page = try #require(Int(normalized(String(line)).split(separator: " ").last ?? ""))
            let label = heading == "Provenance" ? "PROVENANCE" : heading
            let found = pdf.pages.indices.dropFirst().first {
                normalized(pdf.pages[$0]).contains(label)
            }
            #expect(
                found.map { $0 + 1 } == page,
                "\(heading) is listed on page \(page), found on \(found.map { $0 + 1 } ?? -1)")
        }
    }

    @Test func aReportWithOneSectionHasNoContents() throws {
        let url = try temporaryDirectory().appendingPathComponent("minimal.pdf")
        try PDFRenderer().render(Sample.minimal(), to: url)
        let text = normalized(try run("pdftotext", [url.path, "-"]))
        #expect(!text.contains("Contents"))
        #expect(text.contains("Hello."))
    }

    @Test func theOutlineHasTheContentsAndTheSections() throws {
        let raw = String(
            decoding: try Data(contentsOf: try RenderedPDF.a4.get().url), as: UTF8.self)
        for title in ["Contents", "1 Introduction", "2.1 Long outputs", "Provenance"] {
            #expect(raw.contains("/Title (\(title))"), "no bookmark \(title)")
        }
    }
}

@Suite struct TaggedPDFTests {
    @Test("the PDF is tagged: headings, paragraphs, figures with captions, tables, code, contents")
    func theStructureTreeHasTheBlocks() throws {
        let pdf = try RenderedPDF.a4.get()
        #expect(pdf.info.contains("Tagged:          yes"))
        let raw = String(decoding: try Data(contentsOf: pdf.url), as: UTF8.self)
        #expect(raw.contains("/StructTreeRoot"))
        for type in [
            "H1", "H2", "P", "Figure", "Caption", "Table", "TR", "TH", "TD", "Code", "L", "LI",
            "BlockQuote", "TOC", "TOCI", "Link",
        ] {
            #expect(
                raw.contains("/S /\(type)\n") || raw.contains("/S /\(type) "), "no \(type) element")
        }
    }

    @Test func aFigureHoldsItsCaption() throws {
        let raw = String(decoding: try PDFRenderer().render(Sample.gallery()), as: UTF8.self)
        // Structure elements: /S /Figure's kids include the /S /Caption element.
        let figures = raw.components(separatedBy: "/S /Figure").count - 1
        let captions = raw.components(separatedBy: "/S /Caption").count - 1
        #expect(figures == 3 && captions == 3)
    }
}

/// Where pdftotext finds each word on the page: (page, xMin, yMin, xMax, yMax).
func wordBoxes(_ url: URL) throws -> [String: [(
    page: Int, x0: Double, y0: Double, x1: Double, y1: Double
)]] {
    let bbox = try run("pdftotext", ["-bbox", url.path, "-"])
    var result: [String: [(page: Int, x0: Double, y0: Double, x1: Double, y1: Double)]] = [:]
    var page = 0
    for line in bbox.split(separator: "\n") {
        if line.contains("<page ") { page += 1; continue }
        guard
            let m = line.firstMatch(
                of: #/xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</#
            )
        else { continue }
        result[String(m.5), default: []].append(
            (page, Double(m.1)!, Double(m.2)!, Double(m.3)!, Double(m.4)!))
    }
    return result
}

@Suite struct PDFFigureAndTableFitTests {
    static func render(_ outputs: [CellOutput], before: String = "") throws -> URL {
        var nb = Sample.minimal()
        nb.notebook.blocks = [
            .prose(.paragraph([.text(before + "Text before.")])),
            .cell(Cell(index: 0, line: 1, source: "show(x)", options: CellOptions(echo: false))),
        ]
        nb.results[0] = CellResult(outputs: outputs, seconds: 0)
        let url = try temporaryDirectory().appendingPathComponent("fit.pdf")
        try PDFRenderer().render(nb, to: url)
        return url
    }

    static func panel(_ title: String) -> Figure {
        .lines(
            title: title, xLabel: "Epoch", yLabel: "Accuracy",
            series: [Series(name: "a", y: [0.2, 0.4, 0.5])])
    }

    @Test("a grid whose panels would be narrower than the floor is set with fewer columns")
    func aThreeColumnGridStacks() throws {
        let grid = Figure.grid(["PANELONE", "PANELTWO", "PANELTHREE"].map(Self.panel), columns: 3)
        let words = try wordBoxes(
            Self.render([.figure(FigureOutput(caption: "Grid.", figure: grid))]))
        let (one, two, three) = (
            try #require(words["PANELONE"]?.first), try #require(words["PANELTWO"]?.first),
            try #require(words["PANELTHREE"]?.first)
        )
        #expect(abs(one.y0 - two.y0) < 1, "the first two panels share a row")
        #expect(three.y0 > one.y1 + 50, "the third panel goes to a second row")
        #expect((two.x0 + two.x1) / 2 - (one.x0 + one.x1) / 2 >= PDFWriter.minimumPanelWidth)
    }

    @Test("a two-panel figure is not shrunk below its panels' floor to fit the space left")
    func aTwoPanelFigureKeepsItsWidth() throws {
        let grid = Figure.grid([Self.panel("ALPHA"), Self.panel("BETA")], columns: 2)
        // Enough text that the figure would have to shrink to about 70% to fit below it.
        for words in [300, 340, 380, 420] {
            let filler = String(repeating: "Words fill the page. ", count: words / 4)
            let boxes = try wordBoxes(
                Self.render(
                    [.figure(FigureOutput(caption: "Two panels.", figure: grid))], before: filler))
            let (a, b) = (try #require(boxes["ALPHA"]?.first), try #require(boxes["BETA"]?.first))
            #expect(
                (b.x0 + b.x1) / 2 - (a.x0 + a.x1) / 2 >= PDFWriter.minimumPanelWidth,
                "with \(words) words")
        }
    }

    @Test(
        "a seven-column table sets its headers in at most two lines, its text no smaller than the floor"
    )
    func aWideTableFits() throws {
        let columns = [
            "Model", "Parameters (trainable)", "Training images per second",
            "Best validation accuracy",
            "Test accuracy (balanced)", "Macro-averaged F1 score", "Epochs until early stopping",
        ]
        let rows = ["ResNet50", "MobileNetV2", "CBAM"].map {
            [$0, "23,587,712", "412.5", "0.512", "0.498", "0.471", "12"]
        }
        let url = try Self.render([.table(Table(caption: "Wide.", columns: columns, rows: rows))])
        let lines = try run("pdftotext", ["-layout", url.path, "-"]).split(separator: "\n").map(
            String.init)
        // Each part of the table: its caption line, its header, its first row.
        var headers: [String] = []
        for first in lines.indices where lines[first].contains("ResNet50") {
            let caption = try #require(lines[..<first].lastIndex { $0.contains("Table 1") })
            let header = lines[(caption + 1)..<first].filter {
                !$0.trimmingCharacters(in: .whitespaces).isEmpty
            }
            #expect(header.count <= 2, "header lines: \(header)")
            headers += header
        }
        #expect(!headers.isEmpty)
        // Every header word whole, in one part or the other.
        for word in [
            "Parameters", "(trainable)", "validation", "Macro-averaged", "early", "stopping",
        ] {
            #expect(headers.joined(separator: " ").contains(word), "\(word) broken")
        }
        // pdffonts cannot give sizes; the words' boxes can: the row text is at least the floor.
        let boxes = try wordBoxes(url)
        let row = try #require(boxes["MobileNetV2"]?.first)
        #expect(row.y1 - row.y0 >= PDFWriter.tableFontSizes.last! * 0.95)
    }
}
