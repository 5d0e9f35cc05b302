import Foundation
@testable import Runner

/// The committed test notebooks.
enum TestNotebooks {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Notebooks").path

    static func text(_ name: String) throws -> String {
        try String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8)
    }
}

/// A fresh folder under the system temporary directory.
func makeTemporaryDirectory(_ name: String = #function) throws -> String {
    let clean = name.filter { $0.isLetter || $0.isNumber }
    let path = NSTemporaryDirectory() + "emotive-tests-\(clean)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Parses notebook text given inline in a test.
func parse(_ text: String, path: String = "Notebooks/test.md") throws -> ParsedNotebook {
    try NotebookParser.parse(text, path: path)
}

/// Collects log lines from the pipeline.
final class LogLines: @unchecked Sendable {
    // @unchecked: `lines` is only touched while holding `lock`.
    private let lock = NSLock()
    private var lines: [String] = []
    var log: Pipeline.Log { { [self] line in lock.withLock { lines.append(line) } } }
    var all: [String] { lock.withLock { lines } }
}
