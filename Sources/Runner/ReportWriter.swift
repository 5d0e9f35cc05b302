import Foundation
import NotebookModel

/// Writes a run's report files: `<name>.json` (results, always) and each requested format,
/// every file atomically, so an interrupted render keeps the previous report whole.
public enum ReportWriter {
    /// One format's bytes, and for a format that links its figures rather than embeds them
    /// (gfm), the files of its sibling folder `<name>_files/`, by file name.
    public struct Rendered {
        public var report: Data
        public var folderFiles: [(name: String, data: Data)]?

        public init(report: Data, folderFiles: [(name: String, data: Data)]? = nil) {
            self.report = report
            self.folderFiles = folderFiles
        }
    }

    /// Turns the executed notebook into one format (HTML, PDF, ipynb, gfm: from Rendering);
    /// `filesFolder` is the sibling folder's name, for relative links.
    public typealias Renderer = (_ executed: ExecutedNotebook, _ filesFolder: String) throws ->
        Rendered

    public static let builtInFormats = ["json"]

    /// The file extension of a format whose name is not its extension.
    static let extensions = ["gfm": "md"]

    /// Returns the paths written. Everything is rendered in memory first, then written:
    /// the folder's files first (their names carry a hash of their bytes, so new ones do not
    /// replace old ones), then the reports, then the folder's files no report links any more.
    @discardableResult
    public static func write(
        _ report: RunReport, to directory: String, formats: [String],
        renderers: [String: Renderer]
    ) throws -> [String] {
        let name = URL(fileURLWithPath: report.executed.notebook.path).deletingPathExtension()
            .lastPathComponent
        let folderName = name + "_files"
        let folder = "\(directory)/\(folderName)"
        var files: [(String, Data)] = []
        var folderFiles: [(name: String, data: Data)]?
        let results = ResultsJSON(
            report.executed, inlineExpressions: report.parsed.inlineExpressions)
        files.append(("\(directory)/\(name).json", try results.encoded()))
        for format in formats {
            switch format {
            case "json":
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                files.append(
                    ("\(directory)/\(name).notebook.json", try encoder.encode(report.executed)))
            default:
                guard let render = renderers[format] else {
                    throw RunnerError(
                        "cannot write format '\(format)' (available: \((builtInFormats + renderers.keys.sorted()).joined(separator: ", ")))"
                    )
                }
                let rendered = try render(report.executed, folderName)
                files.append(
                    ("\(directory)/\(name).\(extensions[format] ?? format)", rendered.report))
                if let more = rendered.folderFiles { folderFiles = (folderFiles ?? []) + more }
            }
        }
        let notebook = URL(
            fileURLWithPath: NotebookParser.absolutePath(report.executed.notebook.path)
        ).standardized.path
        for (path, _) in files
        where URL(fileURLWithPath: NotebookParser.absolutePath(path)).standardized.path == notebook
        {
            throw RunnerError(
                "the report \(path) would overwrite the notebook; choose another --out folder")
        }
        AtomicFile.removeLeftovers(in: directory)
        if let folderFiles {
            AtomicFile.removeLeftovers(in: folder)
            for (file, data) in folderFiles { try AtomicFile.write(data, to: "\(folder)/\(file)") }
        }
        for (path, data) in files { try AtomicFile.write(data, to: path) }
        if let folderFiles {
            let keep = Set(folderFiles.map(\.name))
            let present = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for old in present where !keep.contains(old) && !old.hasPrefix(".tmp-") {
                try? FileManager.default.removeItem(atPath: "\(folder)/\(old)")
            }
            if keep.isEmpty { try? FileManager.default.removeItem(atPath: folder) }
        }
        return files.map(\.0) + (folderFiles?.isEmpty == false ? [folder + "/"] : [])
    }
}
