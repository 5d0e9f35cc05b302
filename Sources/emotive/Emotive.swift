import ArgumentParser
import Foundation
import NotebookModel
import Runner

@main
struct Emotive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emotive",
        abstract:
            "Markdown notebooks with Swift cells, compiled against Emotive and rendered to reports.",
        discussion: """
            A notebook is CommonMark with a YAML front matter and ```swift cells. Cells are
            compiled together (every cell is type-checked before any runs), executed in one
            scope, and their outputs rendered into Reports/.

              emotive render Notebooks/fer2013.md --profile ci
              emotive preview Notebooks/fer2013.md --profile ci
              emotive params Notebooks/fer2013.md
            """,
        version: EmotiveVersion.string,
        subcommands: [
            Render.self, PreviewCommand.self, Check.self, RunNotebook.self, Params.self, Clean.self,
            DataCommand.self,
        ])
}

/// Options shared by the commands that run a notebook.
struct NotebookOptions: ParsableArguments {
    @Argument(help: "The notebook (.md).")
    var notebook: String

    @Option(
        name: .customShort("p"),
        help: ArgumentHelp("Set a param: -p key=value (repeatable).", valueName: "key=value"))
    var params: [String] = []

    @Option(help: "Apply a named set of params from the front matter's profiles.")
    var profile: String?

    @Option(help: "Read params from a YAML or JSON file (before -p).")
    var paramsFile: String?

    @Option(help: "Cache folder (default: .emotive-cache in the notebook's repository root).")
    var cacheDir: String?

    var overrides: ParamOverrides {
        ParamOverrides(profile: profile, file: paramsFile, assignments: params)
    }
}

/// Options of a data-parallel run: the notebook program started on several ranks by
/// Open MPI's `mpirun`.
struct RankOptions: ParsableArguments {
    @Option(
        help:
            "Run the notebook on N ranks with Open MPI's mpirun (training is split across them; rank 0 writes the report)."
    )
    var ranks: Int?

    @Option(
        help: "Open MPI hostfile naming the machines of the ranks (default: all on this machine).")
    var hostfile: String?

    @Option(
        help: "Compute threads of each rank (default: this machine's cores divided by the ranks).")
    var threadsPerRank: Int?

    func validate() throws {
        if let ranks, ranks < 1 {
            throw ValidationError("--ranks must be at least 1, got \(ranks)")
        }
        if let threadsPerRank, threadsPerRank < 1 {
            throw ValidationError("--threads-per-rank must be at least 1, got \(threadsPerRank)")
        }
        if ranks == nil && (hostfile != nil || threadsPerRank != nil) {
            throw ValidationError("--hostfile and --threads-per-rank go with --ranks N")
        }
    }

    var launch: RankLaunch? {
        ranks.map { RankLaunch(ranks: $0, hostfile: hostfile, threadsPerRank: threadsPerRank) }
    }
}

/// Errors are printed in their own words (file:line: error: …) and end with exit code 1.
func fail(_ error: any Error) -> ExitCode {
    switch error {
    case let e as CompileFailure:
        Terminal.error(e.diagnostics.trimmingCharacters(in: .newlines))
        Terminal.error(
            "emotive: \(e.errorCount) compile error\(e.errorCount == 1 ? "" : "s"); nothing was run"
        )
    case let e as RunnerError:
        Terminal.error(e.description)
    case let e as AtomicFile.WriteError:
        Terminal.error(e.description)
    default:
        Terminal.error("error: \(error)")
    }
    return ExitCode.failure
}
