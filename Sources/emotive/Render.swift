import ArgumentParser
import Foundation
import NotebookModel
import Runner

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compile, run and render a notebook into Reports/ (HTML, PDF, JSON).",
        discussion: """
            Formats: html (self-contained), pdf, ipynb (Jupyter, with outputs), gfm (GitHub Markdown
            with figures as PNG files in <name>_files/), json (the executed notebook). Re-rendering
            after a prose-only edit reuses the stored outputs ("frozen"): nothing
            is compiled or run. Any change to a code cell, a param, the library or registered
            data runs the notebook again. Results (tables, metrics, expectations) are also
            written to <out>/<name>.json.
            """)

    @OptionGroup var options: NotebookOptions

    @OptionGroup var rankOptions: RankOptions

    @Option(help: "Formats, comma-separated: html, pdf, ipynb, gfm, json (default: html,pdf).")
    var to: String?

    @Option(help: "Output folder (default: Reports/ in the notebook's repository root).")
    var out: String?

    @Flag(help: "Ignore stored outputs: compile and run everything.")
    var noCache = false

    @Flag(help: "Render again whenever the notebook changes (Ctrl-C to stop).")
    var watch = false

    @Option(help: "Stop the notebook program after this many seconds.")
    var timeLimit: Double?

    @Option(help: "Stop the notebook program when it uses more than this many GiB of memory.")
    var memoryLimit: Double?

    @Option(
        help: ArgumentHelp(
            """
            A freeze store of its own, e.g. Reports/.freeze committed beside the reports: one entry         per notebook, keyed by its code, params and the library's sources.
            """, valueName: "dir"))
    var freezeDir: String?

    @Flag(
        help: "Only re-render from the freeze store; fail if its outputs are out of date (for CI).")
    var frozenOnly = false

    @Option(help: "PDF page size: a4 or letter.")
    var pageSize: String = "a4"

    func validate() throws {
        if frozenOnly && noCache {
            throw ValidationError("--frozen-only and --no-cache exclude each other")
        }
        if let t = timeLimit, t <= 0 {
            throw ValidationError("--time-limit must be a positive number of seconds")
        }
        if let m = memoryLimit, m <= 0 {
            throw ValidationError("--memory-limit must be a positive number of GiB")
        }
        if !["a4", "letter"].contains(pageSize.lowercased()) {
            throw ValidationError("--page-size must be a4 or letter, got '\(pageSize)'")
        }
    }

    func run() throws {
        guard watch else {
            if try !renderOnce() { throw ExitCode.failure }
            return
        }
        var last = stamp()
        _ = try? renderOnce()
        Terminal.status("emotive: watching \(options.notebook) (Ctrl-C to stop)")
        while true {
            Thread.sleep(forTimeInterval: 0.5)
            let now = stamp()
            guard now != last, now != nil else { continue }
            last = now
            Terminal.status("\nemotive: \(options.notebook) changed; rendering")
            _ = try? renderOnce()
        }
    }

    private func stamp() -> String? {
        guard let a = try? FileManager.default.attributesOfItem(atPath: options.notebook) else {
            return nil
        }
        return "\(a[.modificationDate] ?? "")|\(a[.size] ?? "")"
    }

    /// One render; true when it succeeded. Errors are printed, not thrown (watch goes on).
    func renderOnce() throws -> Bool {
        let start = Date()
        let cache = CacheLayout.forNotebook(options.notebook, override: options.cacheDir)
        let formats = try chosenFormats()
        do {
            let lock = try RenderLock(path: cache.lockPath(for: options.notebook)) {
                Terminal.status("emotive: \($0)")
            }
            defer { withExtendedLifetime(lock) {} }
            let live = Terminal.Live(
                parsed: try? NotebookParser.parse(fileAt: options.notebook), echoStdout: false)
            var request = RunRequest(
                notebookPath: options.notebook, overrides: options.overrides,
                cacheDirectory: options.cacheDir, useFreezeCache: !noCache, timeLimit: timeLimit,
                memoryLimit: memoryLimit.map { Int64($0 * Double(1 << 30)) },
                freezeDirectory: freezeDir, frozenOnly: frozenOnly)
            request.launch = rankOptions.launch
            let report = try Pipeline.run(request, log: Terminal.log, onEvent: live.handler)
            if report.frozen {
                Terminal.status(
                    "emotive: frozen — outputs reused from the freeze cache; nothing compiled or run"
                )
            }
            Terminal.problems(report)
            let outDir = out ?? CacheLayout.repositoryRoot(for: options.notebook) + "/Reports"
            let written = try ReportWriter.write(
                report, to: outDir, formats: formats, renderers: renderers)
            Terminal.summary(report, trainingCacheHits: live.trainingCacheHits)
            let shown = written.map { relative($0) }.joined(separator: ", ")
            Terminal.status(
                "emotive: wrote \(shown) in \(Terminal.formatTime(Date().timeIntervalSince(start)))"
                    + (report.succeeded ? "" : " (a partial report: the run failed)"))
            return report.succeeded
        } catch {
            _ = fail(error)
            if watch { return false }
            throw ExitCode.failure
        }
    }

    private func chosenFormats() throws -> [String] {
        let available = renderers
        guard let to else {
            let defaults = ["html", "pdf"].filter { available[$0] != nil }
            return defaults.isEmpty ? ["json"] : defaults
        }
        let formats = to.split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        for f in formats where f != "json" && available[f] == nil {
            throw ValidationError(
                "format '\(f)' is not available (available: \((["json"] + available.keys.sorted()).joined(separator: ", ")))"
            )
        }
        return formats
    }

    private var renderers: [String: ReportWriter.Renderer] {
        Renderers.available(pageSize: pageSize.lowercased() == "letter" ? .letter : .a4)
    }

    private func relative(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }
}
