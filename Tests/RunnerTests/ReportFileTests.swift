import Foundation
import NotebookModel
import Testing
@testable import Runner

@Suite("Writing report files")
struct ReportFileTests {
    @Test func anAtomicWriteReplacesTheFileWholeAndLeavesNoTemporaryFile() throws {
        let dir = try makeTemporaryDirectory()
        try AtomicFile.write("old", to: dir + "/r.html")
        try AtomicFile.write("new report", to: dir + "/r.html")
        #expect(try String(contentsOfFile: dir + "/r.html", encoding: .utf8) == "new report")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["r.html"])
    }

    @Test func leftoversOfKilledRendersAreRemovedAndLiveOnesKept() throws {
        let dir = try makeTemporaryDirectory()
        let dead = try deadPID()
        for name in [".tmp-\(dead)-abc-r.html", ".tmp-\(getpid())-abc-r.html", "r.html"] {
            try AtomicFile.write("x", to: dir + "/" + name)
        }
        AtomicFile.removeLeftovers(in: dir)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == [
                ".tmp-\(getpid())-abc-r.html", "r.html",
            ])
    }

    /// A report of a prose-only notebook at `dir/n.md`, as the pipeline would hand it over.
    private func proseReport(in dir: String) throws -> RunReport {
        let parsed = try parse(
            "---\ntitle: T\n---\n\nHello.\n\n```swift\nprint(1)\n```\n", path: dir + "/n.md")
        let executed = ExecutedNotebook(
            notebook: parsed.notebook,
            provenance: Provenance(emotiveVersion: "0", machine: "m", executedAt: "now"))
        return RunReport(
            executed: executed, parsed: parsed, frozen: false, compiled: nil, runSeconds: nil,
            failedExpectations: [], cache: CacheLayout(root: dir + "/cache"))
    }

    @Test func aFormatsFolderGetsItsNewFilesAndLosesTheOnesNoReportLinks() throws {
        let dir = try makeTemporaryDirectory()
        let report = try proseReport(in: dir)
        func gfm(_ names: [String]) -> [String: ReportWriter.Renderer] {
            [
                "gfm": { _, folder in
                    #expect(folder == "n_files")
                    return .init(
                        report: Data(names.map { "![](\(folder)/\($0))" }.joined().utf8),
                        folderFiles: names.map { ($0, Data($0.utf8)) })
                }
            ]
        }
        let out = dir + "/Reports"
        let written = try ReportWriter.write(
            report, to: out, formats: ["gfm"], renderers: gfm(["a-1.png", "b-2.png"]))
        #expect(written == [out + "/n.json", out + "/n.md", out + "/n_files/"])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: out + "/n_files").sorted() == [
                "a-1.png", "b-2.png",
            ])
        try ReportWriter.write(
            report, to: out, formats: ["gfm"], renderers: gfm(["a-1.png", "c-3.png"]))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: out + "/n_files").sorted() == [
                "a-1.png", "c-3.png",
            ])
        #expect(
            try String(contentsOfFile: out + "/n.md", encoding: .utf8)
                == "![](n_files/a-1.png)![](n_files/c-3.png)")
        // A render without the format leaves the folder alone; one with no figures removes it.
        try ReportWriter.write(report, to: out, formats: ["json"], renderers: [:])
        #expect(FileManager.default.fileExists(atPath: out + "/n_files/c-3.png"))
        try ReportWriter.write(report, to: out, formats: ["gfm"], renderers: gfm([]))
        #expect(!FileManager.default.fileExists(atPath: out + "/n_files"))
    }

    @Test func aMarkdownReportBesideItsNotebookIsRefusedRatherThanOverwriteIt() throws {
        let dir = try makeTemporaryDirectory()
        try AtomicFile.write("the notebook", to: dir + "/n.md")
        let report = try proseReport(in: dir)
        let renderers: [String: ReportWriter.Renderer] = [
            "gfm": { _, _ in .init(report: Data("report".utf8)) }
        ]
        #expect {
            try ReportWriter.write(report, to: dir, formats: ["gfm"], renderers: renderers)
        } throws: { error in
            "\(error)".contains("would overwrite the notebook; choose another --out folder")
        }
        #expect(try String(contentsOfFile: dir + "/n.md", encoding: .utf8) == "the notebook")
    }

    /// The pid of a process that has exited.
    private func deadPID() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }

    @Test func anUnwritableReportFolderIsAClearError() throws {
        let dir = try makeTemporaryDirectory()
        try AtomicFile.write("not a folder", to: dir + "/Reports")
        #expect {
            try AtomicFile.write("report", to: dir + "/Reports/r.html")
        } throws: { error in
            "\(error)".hasPrefix("\(dir)/Reports: error: cannot create the folder")
        }
    }

    @Test func aSecondRenderOfTheSameNotebookWaitsForTheFirstAndIsToldSo() async throws {
        let dir = try makeTemporaryDirectory()
        let path = dir + "/x.lock"
        var first: RenderLock? = try RenderLock(path: path) { _ in
            Issue.record("the first render must not wait")
        }
        let messages = LogLines()
        let acquired = LogLines()
        let waiter = Thread {
            let lock = try? RenderLock(path: path) { messages.log($0) }
            acquired.log("acquired")
            withExtendedLifetime(lock) {}
        }
        waiter.start()
        while messages.all.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        #expect(acquired.all.isEmpty, "the second render waits while the first holds the lock")
        #expect(
            messages.all[0].hasPrefix("another render of this notebook is running (pid \(getpid())")
        )
        withExtendedLifetime(first) {}
        first = nil
        while acquired.all.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        #expect(acquired.all == ["acquired"])
    }
}
