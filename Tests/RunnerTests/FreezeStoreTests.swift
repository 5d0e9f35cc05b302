import Foundation
import Testing
@testable import Runner

/// A freeze store of its own (`--freeze-dir`), as committed beside the reports: keyed by
/// the library's sources, one entry per notebook, and `--frozen-only` for CI.
@Suite struct FreezeStoreTests {
    @Test func theSourceIdentityIsTheSameForTheSameSourcesAndIgnoresDocumentation() throws {
        let toolchain = try Toolchain.locate()
        let a = try toolchain.sourceIdentity()
        #expect(a == (try toolchain.sourceIdentity()))
        #expect(a.count == 64)
        #expect(
            a != (try toolchain.libraryIdentity(memoFile: nil)),
            "sources, not the bytes of one build")
    }

    @Test func anExclusiveStoreKeepsOneEntryPerNotebook() throws {
        let dir = try makeTemporaryDirectory()
        let parsed = try parse(
            """
            ---
            title: t
            ---
            ```swift
            print(1)
            ```
            """)
        let store = FreezeCache(directory: dir, exclusiveName: "report")
        let run = CollectedRun(
            results: [:], inlineValues: [:], failure: nil, dataFingerprints: [:], dataPaths: [:])
        try store.store(run, key: String(repeating: "a", count: 64), parsed: parsed)
        try store.store(run, key: String(repeating: "b", count: 64), parsed: parsed)
        FileManager.default.createFile(
            atPath: dir + "/other-" + String(repeating: "c", count: 64) + ".json", contents: Data())
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(
            files == [
                "other-" + String(repeating: "c", count: 64) + ".json",
                "report-" + String(repeating: "b", count: 64) + ".json",
            ])
        var reason: String?
        #expect(
            store.load(key: String(repeating: "b", count: 64), parsed: parsed, reason: &reason)
                != nil)
        #expect(
            store.load(key: String(repeating: "a", count: 64), parsed: parsed, reason: &reason)
                == nil)
    }

    @Test func frozenOnlyFailsWithARenderCommandWhenTheStoreIsOutOfDate() throws {
        let dir = try makeTemporaryDirectory()
        let notebook = dir + "/tiny.md"
        try """
        ---
        title: Tiny
        ---
        ```swift
        print("hello")
        ```
        """.write(toFile: notebook, atomically: true, encoding: .utf8)
        let request = RunRequest(
            notebookPath: notebook, cacheDirectory: dir + "/cache",
            freezeDirectory: dir + "/freeze", frozenOnly: true)
        #expect {
            _ = try Pipeline.run(request, log: { _ in })
        } throws: { error in
            let text = String(describing: error)
            return text.contains("tiny is out of date")
                && text.contains("--freeze-dir \(dir)/freeze")
        }
    }
}
