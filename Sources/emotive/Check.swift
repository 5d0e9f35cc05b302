import ArgumentParser
import Foundation
import Runner

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Type-check every cell of a notebook (compile only; nothing runs).")

    @OptionGroup var options: NotebookOptions

    func run() throws {
        do {
            let request = RunRequest(
                notebookPath: options.notebook, overrides: options.overrides,
                cacheDirectory: options.cacheDir)
            let program = try Pipeline.check(request, log: Terminal.log)
            Terminal.status(
                "emotive: \(options.notebook) compiles"
                    + (program.reused
                        ? " (program reused)" : String(format: " (%.1f s)", program.seconds)))
        } catch {
            throw fail(error)
        }
    }
}
