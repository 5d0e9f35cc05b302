import Foundation
import NotebookModel
import Testing
@testable import Runner

@Suite("The freeze cache")
struct FreezeCacheTests {
    let text =
        "---\nparams:\n  n: 1\n---\nProse.\n\n```swift\nlet x = params.n\nexpect(x > 0, \"positive\")\n```\n\nValue `{swift} x`.\n"

    func key(_ text: String, n: Int = 1, library: String = "lib1") throws -> String {
        FreezeCache.key(try parse(text), params: [("n", .int(n))], libraryIdentity: library)
    }

    @Test func aProseOnlyEditKeepsTheKey() throws {
        let edited = text.replacingOccurrences(
            of: "Prose.", with: "Longer prose.\n\nAnd a new paragraph.")
        #expect(try key(text) == key(edited))
    }

    @Test func codeParamsLibraryAndInlineExpressionsChangeTheKey() throws {
        let base = try key(text)
        #expect(
            try key(text.replacingOccurrences(of: "let x = params.n", with: "let x = params.n + 1"))
                != base)
        #expect(try key(text, n: 2) != base)
        #expect(try key(text, library: "lib2") != base)
        #expect(try key(text.replacingOccurrences(of: "{swift} x", with: "{swift} x * 2")) != base)
    }

    func storedRun(dataPath: String? = nil) -> CollectedRun {
        CollectedRun(
            results: [
                0: CellResult(
                    outputs: [
                        .expectation(Expectation(passed: true, message: "positive", line: 9))
                    ],
                    seconds: 0.1)
            ],
            inlineValues: [0: "1"], failure: nil, dataFingerprints: ["d": "abc"],
            dataPaths: dataPath.map { ["d": $0] } ?? [:])
    }

    @Test func aStoredRunIsFoundAndItsLinesFollowAProseEdit() throws {
        let dir = try makeTemporaryDirectory()
        let cache = FreezeCache(directory: dir)
        try cache.store(storedRun(), key: "k", parsed: try parse(text))
        let edited = try parse(
            text.replacingOccurrences(of: "Prose.", with: "Prose.\n\nTwo more lines."))
        var reason: String?
        let run = cache.load(key: "k", parsed: edited, reason: &reason)
        #expect(reason == nil)
        #expect(
            run?.results[0]?.outputs == [
                .expectation(Expectation(passed: true, message: "positive", line: 11))
            ])
        #expect(run?.inlineValues == [0: "1"])
    }

    @Test func anEntryThatFailsItsChecksumIsNotTrusted() throws {
        let dir = try makeTemporaryDirectory()
        let cache = FreezeCache(directory: dir)
        let parsed = try parse(text)
        try cache.store(storedRun(), key: "k", parsed: parsed)
        var data = try Data(contentsOf: URL(fileURLWithPath: cache.path(for: "k")))
        let i = data.lastIndex(of: UInt8(ascii: "1"))!
        data[i] = UInt8(ascii: "7")
        try data.write(to: URL(fileURLWithPath: cache.path(for: "k")))
        var reason: String?
        #expect(cache.load(key: "k", parsed: parsed, reason: &reason) == nil)
        #expect(reason?.contains("failed its checksum") == true)
        #expect(
            !FileManager.default.fileExists(atPath: cache.path(for: "k")),
            "a damaged entry is removed")
    }

    @Test func changedDataAtARegisteredPathInvalidates() throws {
        let dir = try makeTemporaryDirectory()
        let data = dir + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try "a".write(toFile: data + "/one.txt", atomically: true, encoding: .utf8)
        let cache = FreezeCache(directory: dir + "/freeze")
        let parsed = try parse(text)
        try cache.store(storedRun(dataPath: data), key: "k", parsed: parsed)
        var reason: String?
        #expect(cache.load(key: "k", parsed: parsed, reason: &reason) != nil)
        try "bb".write(toFile: data + "/two.txt", atomically: true, encoding: .utf8)
        #expect(cache.load(key: "k", parsed: parsed, reason: &reason) == nil)
        #expect(reason == "data 'd' at \(data) changed since the outputs were stored")
    }
}
