import Foundation
import NotebookModel
import Testing
@testable import Runner

@Suite("Sorting a run's streams into cells")
struct StreamCollectionTests {
    let parsed: ParsedNotebook

    init() throws {
        parsed = try parse(
            "```swift\nprint(1)\n```\n\n```swift\nprint(2)\n```\n", path: "Notebooks/s.md")
    }

    func run(
        stdout: String, stderr: String = "", records: [ChannelRecord], status: Int32 = 0,
        signaled: Bool = false
    ) -> RawRun {
        RawRun(
            stdout: Data(stdout.utf8), stderr: Data(stderr.utf8), records: records, status: status,
            signaled: signaled, timedOut: false, timeLimit: nil, seconds: 1)
    }

    @Test func textAndRichOutputsKeepTheirOrderWithinACell() {
        let m = { (marker: ChannelMarker) in marker.line }
        let table = NotebookModel.Table(columns: ["a"], rows: [["1"]])
        let r = run(
            stdout: m(.cellBegan(0)) + "before\n" + m(.output(0)) + "after" + m(.cellEnded(0))
                + m(.cellBegan(1)) + "two\n" + m(.cellEnded(1)),
            stderr: m(.cellBegan(0)) + "epoch 1\repoch 2\n\u{1B}[32mdone\u{1B}[0m\n"
                + m(.cellEnded(0)),
            records: [
                .cellBegan(cell: 0, time: 0), .output(cell: 0, sequence: 0, .table(table)),
                .cellEnded(cell: 0, seconds: 0.5), .cellBegan(cell: 1, time: 1),
                .cellEnded(cell: 1, seconds: 0.25), .inlineValue(index: 0, value: "42"),
            ])
        let c = Collector.collect(r, parsed: parsed)
        #expect(
            c.results[0]?.outputs == [
                .text("before"), .table(table), .text("after"), .text("epoch 2\ndone"),
            ])
        #expect(c.results[0]?.seconds == 0.5)
        #expect(c.results[1]?.outputs == [.text("two")])
        #expect(c.inlineValues == [0: "42"])
        #expect(c.failure == nil)
    }

    @Test func aTrapNamesTheRunningCellTheNotebookLineAndTheMessage() {
        let m = { (marker: ChannelMarker) in marker.line }
        let r = run(
            stdout: m(.cellBegan(0)) + m(.cellEnded(0)) + m(.cellBegan(1)),
            stderr: m(.cellBegan(1))
                + "partial\nSwift/ContiguousArrayBuffer.swift:692: Fatal error: Index out of range\n\n"
                + "*** Program crashed: Illegal instruction at 0x1 ***\n  3 [ra] 0x1 main + 628 in notebook at Notebooks/s.md:6:42\n",
            records: [
                .cellBegan(cell: 0, time: 0), .cellEnded(cell: 0, seconds: 0),
                .cellBegan(cell: 1, time: 0),
            ],
            status: SIGILL, signaled: true)
        let c = Collector.collect(r, parsed: parsed)
        #expect(
            c.failure
                == CellFailure(cellIndex: 1, line: 6, message: "Fatal error: Index out of range"))
        #expect(
            c.results[1]?.outputs == [.text("partial")],
            "the crash report is not kept as cell output")
    }

    @Test func anUncaughtErrorIsNamedWithoutTheModulePrefix() {
        let e = Collector.explain(
            run(stdout: "", records: [], status: SIGILL, signaled: true),
            stderr:
                "Swift/ErrorType.swift:254: Fatal error: Error raised at top level: Notebook.DataError()\n",
            notebookPath: "Notebooks/s.md")
        #expect(e.message == "uncaught error: DataError()")
        #expect(e.line == nil)
    }
}
