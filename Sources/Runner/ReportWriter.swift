import Foundation
import NotebookModel

/// Writes a run's report files: `<name>.json` (results, always) and each requested format,
/// every file atomically, so an interrupted render keeps the previous report whole.
public enum ReportWriter {
    /// Turns the executed notebook into one format's bytes (HTML, PDF: from Rendering).
    public typealias Renderer = (ExecutedNotebook) throws -> Data

    public static let builtInFormats = ["json"]

    /// Returns the paths written. Everything is rendered in memory first, then written.
    @discardableResult
    public static func write(_ report: RunReport, to directory: String, formats: [String],
                             renderers: [String: Renderer]) throws -> [String] {
        let name = URL(fileURLWithPath: report.executed.notebook.path).deletingPathExtension().lastPathComponent
        var files: [(String, Data)] = []
        let results = ResultsJSON(report.executed, inlineExpressions: report.parsed.inlineExpressions)
        files.append(("\(directory)/\(name).json", try results.encoded()))
        for format in formats {
            switch format {
            case "json":
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                files.append(("\(directory)/\(name).notebook.json", try encoder.encode(report.executed)))
            default:
                guard let render = renderers[format] else {
                    throw RunnerError("cannot write format '\(format)' (available: \((builtInFormats + renderers.keys.sorted()).joined(separator: ", ")))")
                }
                files.append(("\(directory)/\(name).\(format)", try render(report.executed)))
            }
        }
        AtomicFile.removeLeftovers(in: directory)
        for (path, data) in files { try AtomicFile.write(data, to: path) }
        return files.map(\.0)
    }
}
