import Foundation
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
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == [".tmp-\(getpid())-abc-r.html", "r.html"])
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
        var first: RenderLock? = try RenderLock(path: path) { _ in Issue.record("the first render must not wait") }
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
        #expect(messages.all[0].hasPrefix("another render of this notebook is running (pid \(getpid())"))
        withExtendedLifetime(first) {}
        first = nil
        while acquired.all.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        #expect(acquired.all == ["acquired"])
    }
}
