import ArgumentParser
import Foundation
import NotebookModel
import Runner

struct RunNotebook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Compile and run a notebook, printing each cell's outputs; writes no report.")

    @OptionGroup var options: NotebookOptions

    @OptionGroup var rankOptions: RankOptions

    @Option(help: "Stop the notebook program after this many seconds.")
    var timeLimit: Double?

    @Option(help: "Stop the notebook program when it uses more than this many GiB of memory.")
    var memoryLimit: Double?

    func run() throws {
        do {
            let live = Terminal.Live(
                parsed: try? NotebookParser.parse(fileAt: options.notebook), echoStdout: false)
            var request = RunRequest(
                notebookPath: options.notebook, overrides: options.overrides,
                cacheDirectory: options.cacheDir, useFreezeCache: false, timeLimit: timeLimit,
                memoryLimit: memoryLimit.map { Int64($0 * Double(1 << 30)) })
            request.launch = rankOptions.launch
            let report = try Pipeline.run(request, log: Terminal.log, onEvent: live.handler)
            var text = ""
            for cell in report.parsed.notebook.cells {
                guard let r = report.executed.results[cell.index], !r.outputs.isEmpty else {
                    continue
                }
                text +=
                    "── cell \(cell.index + 1) · line \(cell.line)\(cell.options.label.map { " · \($0)" } ?? "") ──\n"
                text += r.outputs.map(Terminal.describe).joined(separator: "\n") + "\n"
            }
            let inline = report.parsed.inlineExpressions.compactMap { e in
                report.executed.inlineValues[e.index].map { "  `\(e.source)` = \($0)" }
            }
            if !inline.isEmpty {
                text += "── inline values ──\n" + inline.joined(separator: "\n") + "\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
            Terminal.problems(report)
            Terminal.summary(report, trainingCacheHits: live.trainingCacheHits)
            if !report.succeeded { throw ExitCode.failure }
        } catch let e as ExitCode {
            throw e
        } catch {
            throw fail(error)
        }
    }
}
