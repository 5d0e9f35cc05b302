import Foundation
import NotebookModel
import Plots
import _CCairo

/// Pango and fontconfig are safest driven from one thread at a time; PDF renders take turns.
private let renderLock = NSLock()

/// Renders an executed notebook as a paginated PDF, laid out with Pango on a Cairo PDF
/// surface: title block, numbered headings with a PDF outline, figures drawn as vectors,
/// tables whose header repeats after a page break, code that breaks across pages, page
/// numbers, and title/author metadata. Fonts are embedded (subset) by Cairo.
///
///     try PDFRenderer(pageSize: .a4).render(executed, to: URL(fileURLWithPath: "Reports/x.pdf"))
public struct PDFRenderer: Sendable {
    public enum PageSize: Sendable, Equatable {
        case a4
        case letter
        /// Width and height in PDF points (1/72 inch).
        case points(width: Double, height: Double)

        var size: (width: Double, height: Double) {
            switch self {
            case .a4: (595.28, 841.89)
            case .letter: (612, 792)
            case .points(let w, let h): (w, h)
            }
        }
    }

    public var pageSize: PageSize
    var figures: FigureDrawing

    public init(pageSize: PageSize = .a4) {
        self.pageSize = pageSize
        figures = .plots
    }

    init(pageSize: PageSize, figures: FigureDrawing) {
        self.pageSize = pageSize
        self.figures = figures
    }

    /// Renders the report and writes it atomically to `url` (a temporary file in the same
    /// directory, renamed into place once Cairo has finished without error).
    public func render(_ executed: ExecutedNotebook, to url: URL) throws {
        try ReportFonts.pin()  // exactly the named fonts, or an error naming the package
        try AtomicFile.write(to: url) { temp in
            let size = pageSize.size
            try draw(
                executed, on: PDFCanvas(path: temp.path, width: size.width, height: size.height),
                path: url.path)
        }
    }

    /// The PDF's bytes, for callers that write files themselves.
    public func render(_ executed: ExecutedNotebook) throws -> Data {
        try ReportFonts.pin()
        let sink = PDFDataSink()
        let size = pageSize.size
        try draw(
            executed, on: PDFCanvas(sink: sink, width: size.width, height: size.height),
            path: "<memory>")
        return sink.data
    }

    private func draw(_ executed: ExecutedNotebook, on canvas: PDFCanvas, path: String) throws {
        renderLock.lock()
        defer { renderLock.unlock() }
        let plan = ReportPlan(executed)
        canvas.setMetadata(
            title: plan.title, author: plan.author,
            creator: "Emotive \(plan.provenance.emotiveVersion)",
            date: plan.provenance.executedAt)
        // With a contents page the report is laid out twice: the first time into a canvas
        // that keeps no bytes, to learn the page of every section.
        var pages: [String: Int]?
        if !PDFWriter.contentsEntries(plan).isEmpty {
            let size = pageSize.size
            let probe = try PDFCanvas(
                sink: PDFDataSink(discarding: true), width: size.width, height: size.height)
            var first = PDFWriter(plan: plan, canvas: probe, figures: figures)
            try? first.document()
            pages = probe.destinationPages
        }
        var writer = PDFWriter(plan: plan, canvas: canvas, figures: figures, pageNumbers: pages)
        try writer.document()
        try canvas.finish(path: path)
    }
}
