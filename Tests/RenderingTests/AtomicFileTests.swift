import Foundation
import NotebookModel
import Testing
@testable import Rendering

@Suite struct AtomicFileTests {
    @Test func writingReplacesTheFileAndLeavesNoTemporaryFiles() throws {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("nested/report.html")
        try AtomicFile.write(Data("old".utf8), to: url)
        try AtomicFile.write(Data("new".utf8), to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "new")
        #expect(
            try FileManager.default.contentsOfDirectory(
                atPath: url.deletingLastPathComponent().path) == ["report.html"])
    }

    @Test func aFailedRenderLeavesTheOldReportInPlace() throws {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("report.pdf")
        try AtomicFile.write(Data("old".utf8), to: url)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try AtomicFile.write(to: url) { temp in
                try Data("half".utf8).write(to: temp)
                throw Boom()
            }
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.pdf"])
    }

    @Test func anUnwritableDirectoryGivesAClearError() throws {
        let url = URL(fileURLWithPath: "/proc/emotive-cannot-write/report.html")
        do {
            try AtomicFile.write(Data("x".utf8), to: url)
            Issue.record("expected an error")
        } catch let error as AtomicFile.WriteError {
            #expect(error.description.contains("/proc/emotive-cannot-write/report.html"))
        }
    }
}
