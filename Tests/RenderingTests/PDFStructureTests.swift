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
        for object in raw.components(separatedBy: "endobj") where object.contains("/Subtype /Link") {
            if let m = object.firstMatch(of: #/\/Dest \(((?:[^()\\]|\\.)*)\)/#) { destinations.append(String(m.1)) }
            if let m = object.firstMatch(of: #/\/URI \(((?:[^()\\]|\\.)*)\)/#) { uris.append(String(m.1)) }
        }
        let listing = try run("pdfinfo", ["-dests", url.path])
        defined = Set(listing.matches(of: #/"([^"]*)"\s*$/#.anchorsMatchLineEndings()).map { String($0.1) })
    }
}

@Suite struct PDFLinkTests {
    @Test("cross-references, contents entries and URLs are link annotations, and every target exists")
    func everyLinkLeadsSomewhere() throws {
        let pdf = try RenderedPDF.a4.get()
        let links = try PDFLinks(pdf.url)
        for name in ["fig-curves", "tbl-accuracy", "sec-data"] {
            #expect(links.destinations.contains(name), "no link to \(name)")
        }
        // The contents page links every section, and Provenance.
        for id in ["sec-introduction", "sec-data", "sec-results", "sec-long-outputs", "sec-discussion", "provenance"] {
            #expect(links.destinations.contains(id), "the contents do not link \(id)")
        }
        #expect(links.uris == ["https://example.org/fer?a=1&b=<2>"])
        for name in links.destinations { #expect(links.defined.contains(name), "link to \(name), which is not defined") }
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
        let figure = FigureOutput(label: "fig-a", caption: "Compare with [the data](https://example.org/data).",
                                  figure: .lines(series: [Series(name: "a", y: [1, 2, 3])]))
        nb.notebook.blocks = [
            .cell(Cell(index: 0, line: 1, source: "show(x)", options: CellOptions(echo: false))),
            .prose(.table(header: [[.text("See")]], alignments: [.left], rows: [[[.crossReference(label: "fig-a")]]])),
        ]
        nb.results[0] = CellResult(outputs: [.figure(figure),
                                             .table(Table(label: "tbl-b", caption: "Numbers.", columns: ["n"], rows: [["1"]]))],
                                   seconds: 0)
        let url = try temporaryDirectory().appendingPathComponent("caption.pdf")
        try PDFRenderer().render(nb, to: url)
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
        #expect(!normalized(first).contains("We train three networks"), "the text starts on the next page")
        for heading in ["1 Introduction", "1.1 Data", "2 Results", "2.1 Long outputs", "3 Discussion", "Provenance"] {
            // "1.1 Data ........ 2": the number after the leader is the page the heading is on.
            let line = try #require(first.split(separator: "\n").first { normalized(String($0)).hasPrefix(heading + " ") },
                                    "no contents line for \(heading)")
            let page = try #require(Int(normalized(String(line)).split(separator: " ").last ?? ""))
            let label = heading == "Provenance" ? "PROVENANCE" : heading
            let found = pdf.pages.indices.dropFirst().first { normalized(pdf.pages[$0]).contains(label) }
            #expect(found.map { $0 + 1 } == page, "\(heading) is listed on page \(page), found on \(found.map { $0 + 1 } ?? -1)")
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
        let raw = String(decoding: try Data(contentsOf: try RenderedPDF.a4.get().url), as: UTF8.self)
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
        for type in ["H1", "H2", "P", "Figure", "Caption", "Table", "TR", "TH", "TD", "Code", "L", "LI",
                     "BlockQuote", "TOC", "TOCI", "Link"] {
            #expect(raw.contains("/S /\(type)\n") || raw.contains("/S /\(type) "), "no \(type) element")
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
