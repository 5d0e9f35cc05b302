import Foundation
import NotebookModel
import Testing
@testable import Rendering

/// A cell that took under a millisecond reads "< 1 ms"; in HTML the "<" must be escaped
/// (the Nu checker flagged it on the FER report).
@Suite struct CellTimeEscapingTests {
    @Test func aSubMillisecondCellTimeIsEscapedInTheCodeSummary() throws {
        var report = Sample.report()
        let index = report.notebook.cells.first!.index
        report.results[index]?.seconds = 0.0001
        let html = try HTMLRenderer().render(report)
        #expect(html.contains("· &lt; 1 ms"))
        #expect(!html.contains("· < 1 ms"))
    }
}
