import Checksums
import Foundation
import NotebookModel

/// The compiled notebook program.
public struct CompiledProgram: Sendable {
    public var executable: String
    public var seconds: Double
    /// True when an identical program (same generated code, library and compiler) was reused.
    public var reused: Bool
    /// Warnings on notebook lines, formatted like errors.
    public var warnings: String
}

/// Compile errors, already mapped to notebook lines with excerpts.
public struct CompileFailure: Error, CustomStringConvertible, Sendable {
    public var diagnostics: String
    public var errorCount: Int
    public var firstLine: Int?
    public var description: String { diagnostics }
}

/// Compile stage: `swiftc` on the generated `main.swift` against the prebuilt library.
/// Every cell is type-checked before any cell runs.
public enum NotebookCompiler {
    /// The notebook program's module name; crash messages name files as `Notebook/x.md`.
    static let moduleName = "Notebook"

    public static func compile(
        _ source: String, parsed: ParsedNotebook, toolchain: Toolchain,
        libraryIdentity: String, buildDirectory: String
    ) throws -> CompiledProgram {
        let start = Date()
        let arguments =
            [
                "-swift-version", "5", "-Onone", "-g", "-module-name", moduleName,
                "-diagnostic-style=llvm", "-no-color-diagnostics",
                "-module-cache-path", buildDirectory + "/module-cache",
            ] + toolchain.flags
        var keyHash = SHA256()
        keyHash.update(source)
        keyHash.update(arguments.joined(separator: "\u{0}"))
        keyHash.update(libraryIdentity)
        keyHash.update(toolchain.swiftc)
        let key = String(keyHash.finalizeHex().prefix(32))
        let finalDir = "\(buildDirectory)/programs/\(key)"
        let executable = finalDir + "/notebook"
        if FileManager.default.isExecutableFile(atPath: executable) {
            return CompiledProgram(
                executable: executable, seconds: Date().timeIntervalSince(start),
                reused: true, warnings: "")
        }

        let work =
            "\(buildDirectory)/programs/.tmp-\(ProcessInfo.processInfo.processIdentifier)-\(key.prefix(8))"
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        try AtomicFile.write(source, to: work + "/main.swift")
        let result = try ChildProcess.run(
            toolchain.swiftc,
            [work + "/main.swift", "-o", work + "/notebook"] + arguments,
            currentDirectory: FileManager.default.currentDirectoryPath)
        let seconds = Date().timeIntervalSince(start)
        let report = DiagnosticFormatter.format(
            result.stdout + result.stderr, parsed: parsed,
            generatedPath: work + "/main.swift")
        guard result.status == 0, !result.signaled else {
            throw CompileFailure(
                diagnostics: report.text.isEmpty ? result.stderr : report.text,
                errorCount: max(report.errors, 1), firstLine: report.firstErrorLine)
        }
        // Publish the program under its key; a concurrent render may have published it first.
        try? FileManager.default.removeItem(atPath: work + "/main.swift.tmp")
        if rename(work, finalDir) != 0, !FileManager.default.isExecutableFile(atPath: executable) {
            throw RunnerError(
                file: finalDir,
                "cannot store the compiled notebook (\(String(cString: strerror(errno))))")
        }
        return CompiledProgram(
            executable: executable, seconds: seconds, reused: false,
            warnings: report.warningText)
    }
}

/// Turns swiftc's diagnostics into `Notebooks/x.md:LINE:COL: error: …` with the notebook
/// excerpt and a caret.
enum DiagnosticFormatter {
    struct Report {
        var text = ""
        var warningText = ""
        var errors = 0
        var firstErrorLine: Int?
    }

    static func format(_ output: String, parsed: ParsedNotebook, generatedPath: String) -> Report {
        var report = Report()
        let path = parsed.notebook.path
        var current: (kind: String, text: String)?
        func flush() {
            guard let c = current else { return }
            if c.kind == "warning" { report.warningText += c.text } else { report.text += c.text }
            current = nil
        }
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let d = parseHeader(line) else { continue }  // excerpts: we print our own
            flush()
            // Notes about the library's declarations and generated plumbing add little.
            if d.kind == "note" && d.file != path {
                continue
            }
            if d.kind == "warning" && d.file != path { continue }
            var text = ""
            if d.file == path {
                text = "\(path):\(d.line):\(d.column): \(d.kind): \(d.message)\n"
                text += excerpt(lines: parsed.lines, line: d.line, column: d.column)
            } else if d.file == generatedPath {
                text =
                    "\(path): \(d.kind): \(d.message) (in code emotive generated around the cells, "
                    + "main.swift line \(d.line); a cell may have closed a brace it did not open)\n"
            } else {
                text = "\(d.file):\(d.line):\(d.column): \(d.kind): \(d.message)\n"
            }
            if d.kind == "error" {
                report.errors += 1
                if report.firstErrorLine == nil, d.file == path { report.firstErrorLine = d.line }
            }
            current = (d.kind, text)
        }
        flush()
        return report
    }

    struct Header {
        var file: String
        var line: Int
        var column: Int
        var kind: String
        var message: String
    }

    /// `file:line:col: kind: message`
    static func parseHeader(_ line: Substring) -> Header? {
        for kind in ["error", "warning", "note"] {
            guard let r = line.range(of: ": \(kind): ") else { continue }
            let location = line[..<r.lowerBound].split(
                separator: ":", omittingEmptySubsequences: false)
            guard location.count >= 3, let l = Int(location[location.count - 2]),
                let c = Int(location[location.count - 1])
            else { continue }
            let file = location.dropLast(2).joined(separator: ":")
            return Header(
                file: file, line: l, column: c, kind: kind, message: String(line[r.upperBound...]))
        }
        return nil
    }

    static func excerpt(lines: [String], line: Int, column: Int) -> String {
        guard line >= 1, line <= lines.count else { return "" }
        let number = String(line)
        let gutter = String(repeating: " ", count: number.count)
        var text = " \(number) | \(lines[line - 1])\n"
        let caretColumn = max(1, min(column, lines[line - 1].count + 1))
        let prefix = lines[line - 1].prefix(caretColumn - 1).map { $0 == "\t" ? "\t" : " " }
            .joined()
        text += " \(gutter) | \(prefix)^\n"
        return text
    }
}
