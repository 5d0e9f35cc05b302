import Foundation
import NotebookModel

/// An inline `` `{swift} expr` ``, or the condition of a `::: {when="expr"}` block, and
/// where its value is computed: right after the cell before it in the notebook
/// (`afterCell`), or before the first cell when nil.
public struct InlineExpression: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// `` `{swift} expr` ``: its value is shown in the prose.
        case value
        /// A `when`/`unless` condition: a `Bool` deciding whether a block is shown.
        case condition
    }

    public var index: Int
    public var source: String
    public var afterCell: Int?
    public var line: Int
    public var kind: Kind = .value
    /// For `unless="…"`: the block's expressions run when the condition is false.
    public var negated: Bool = false
    /// The index of the condition of the innermost conditional block holding this
    /// expression; its code runs only when that block is shown. Nil outside such blocks.
    public var enclosingCondition: Int? = nil
}

/// The parse stage's result: the document model plus what the later stages need.
public struct ParsedNotebook: Sendable {
    public var notebook: Notebook
    public var inlineExpressions: [InlineExpression]
    public var warnings: [RunnerWarning]
    /// The notebook's lines, for diagnostic excerpts.
    public var lines: [String]
}

/// Parse stage: Markdown (cmark-gfm) and YAML front matter (Yams) into a `Notebook`.
///
/// A top-level fenced block whose info string is `swift` (or `{swift}`) is a cell; its
/// leading `//| key: value` lines are options. Everything else is prose.
public enum NotebookParser {
    public static func parse(fileAt path: String) throws -> ParsedNotebook {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RunnerError(file: path, "no such notebook (looked for \(absolutePath(path)))")
        }
        guard !isDirectory.boolValue else {
            throw RunnerError(file: path, "is a folder; give the notebook's .md file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunnerError(file: path, "cannot read the notebook (permissions?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RunnerError(file: path, "the notebook is not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws -> ParsedNotebook {
        let text = text.replacingOccurrences(of: "\r\n", with: "\n")
        var warnings: [RunnerWarning] = []
        let split = try FrontMatterParser.split(text, path: path)
        let lines = split.body.split(separator: "\n", omittingEmptySubsequences: false).map(
            String.init)
        let fileTitle = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        var frontMatter = try FrontMatterParser.parse(
            split, path: path, fallbackTitle: fileTitle,
            warnings: &warnings)

        var builder = BlockBuilder(
            path: path, lines: lines,
            referenceKeys: frontMatter.references.map(\.id))
        try builder.build(markdown: split.body)
        warnings += builder.warnings
        if builder.cellCount == 0 {
            throw RunnerError(
                file: path,
                "the notebook has no Swift cells; add a fenced block that opens with ```swift")
        }
        if split.yaml == nil, let heading = builder.firstHeading { frontMatter.title = heading }
        var seen: [String: Int] = [:]
        for block in builder.blocks {
            guard case .cell(let cell) = block, let label = cell.options.label else { continue }
            if let first = seen[label] {
                throw RunnerError(
                    file: path, line: cell.line,
                    "duplicate cell label '\(label)' (first used by the cell at line \(first))")
            }
            seen[label] = cell.line
        }
        let parsed = ParsedNotebook(
            notebook: Notebook(path: path, frontMatter: frontMatter, blocks: builder.blocks),
            inlineExpressions: builder.inlineExpressions, warnings: warnings,
            lines: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        try InlineOrder.check(parsed)
        return parsed
    }

    static func absolutePath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}

// MARK: - Cell options

enum CellOptionsParser {
    /// Splits leading `//| key: value` lines off a cell's code.
    /// `firstLine` is the notebook line of the code's first line.
    static func parse(
        _ code: String, firstLine: Int, path: String,
        warnings: inout [RunnerWarning]
    ) throws -> (CellOptions, source: String, optionLines: Int) {
        var lines = code.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        var options = CellOptions()
        var count = 0
        for raw in lines {
            let line = raw.drop(while: { $0 == " " || $0 == "\t" })
            guard line.hasPrefix("//|") else { break }
            let at = firstLine + count
            count += 1
            let body = line.dropFirst(3)
            guard let colon = body.firstIndex(of: ":") else {
                throw RunnerError(
                    file: path, line: at, "cell option '\(body.trimmed)' needs 'key: value'")
            }
            let key = body[..<colon].trimmed
            var value = body[body.index(after: colon)...].trimmed
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
            }
            func flag() throws -> Bool {
                switch value.lowercased() {
                case "true", "yes": return true
                case "false", "no": return false
                default:
                    throw RunnerError(
                        file: path, line: at,
                        "cell option '\(key)' must be true or false, got '\(value)'")
                }
            }
            switch key {
            case "label": options.label = value
            case "caption", "fig-cap", "tbl-cap": options.caption = value
            case "echo": options.echo = try flag()
            case "eval": options.eval = try flag()
            case "output": options.output = try flag()
            case "error": options.error = try flag()
            default:
                warnings.append(
                    RunnerWarning(
                        file: path, line: at,
                        "unknown cell option '\(key)' is ignored (known: label, caption, echo, eval, output, error)"
                    ))
            }
        }
        let source = lines.dropFirst(count).joined(separator: "\n")
        return (options, source, count)
    }
}

extension Substring {
    var trimmed: String { trimmingCharacters(in: .whitespaces) }
}
