import Foundation
import Testing
@testable import Vision

@Suite struct DatasetInspectorTests {
    @Test func inspectionListsBadFilesCountsAndTheFingerprint() throws {
        let data = SyntheticFER.generate(.init(scale: 0.001, seed: 8))
        let root = try FixtureFiles.temporaryDirectory("inspect")
        defer { try? FileManager.default.removeItem(at: root) }
        try SyntheticFER.write(data, to: root, format: .folders)
        try "x".write(
            to: root.appendingPathComponent("test/angry/notes.txt"), atomically: true,
            encoding: .utf8)
        let report = try DatasetInspector.inspect(root.path)
        #expect(report.format.hasPrefix("folders"))
        #expect(
            report.splits.map(\.classCounts) == [data.train.classCounts, data.test.classCounts])
        #expect(report.problems.count == 1 && report.problems[0].contains("notes.txt"))
        #expect(report.fingerprint == data.fingerprint())
        let text = report.description
        #expect(
            text.contains("disgust") && text.contains("1 bad file(s)")
                && text.contains(report.fingerprint))
    }

    @Test func aCleanSyntheticSetHasNoProblems() throws {
        let report = try DatasetInspector.inspect("synthetic:0.001", seed: 1)
        #expect(report.isClean)
        #expect(report.splits[0].imageShape == [48, 48, 1])
    }
}
