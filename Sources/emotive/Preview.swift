import ArgumentParser
import Foundation
import NotebookModel
import Preview
import Rendering
import Runner

/// `emotive preview`: the HTML report on a local page that re-renders when the notebook (or
/// a file it reads) changes and refreshes itself.
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract:
            "Serve the HTML report on 127.0.0.1 and re-render it on every save (Ctrl-C to stop).",
        discussion: """
            Watches the notebook, --params-file and the data the notebook registered; the page
            reloads itself after each render, keeping its scroll position, shows which cell runs
            while a render is going, and shows compile errors and failed cells over the last good
            report. Frozen cells and the training cache keep a re-render after a prose edit fast.
            Nothing is written to Reports/; only the report and its event stream are served.
            """)

    @OptionGroup var options: NotebookOptions

    @Option(help: "Port on 127.0.0.1 (default: a free one, printed).")
    var port: Int = 0

    @Flag(help: "Ignore stored outputs: compile and run everything on every change.")
    var noCache = false

    @Option(help: "Stop the notebook program after this many seconds.")
    var timeLimit: Double?

    func validate() throws {
        if !(0...65535).contains(port) {
            throw ValidationError("--port must be between 0 and 65535, got \(port)")
        }
    }

    func run() throws {
        let name = URL(fileURLWithPath: options.notebook).deletingPathExtension().lastPathComponent
        let session = PreviewSession(title: name)
        let server: HTTPServer
        do {
            server = try HTTPServer(port: port, handler: session.handle)
        } catch {
            Terminal.error("emotive: \(error)")
            throw ExitCode.failure
        }
        session.attach(server)
        StopSignal.install {
            session.detach()
            server.stop()
            Terminal.status("\nemotive: preview stopped")
            Foundation.exit(0)
        }
        // stdout, one line, so scripts and tests can read the address.
        FileHandle.standardOutput.write(
            Data(
                "emotive: previewing \(options.notebook) at http://127.0.0.1:\(server.port)/ (Ctrl-C to stop)\n"
                    .utf8))

        var watched = WatchedFiles(
            paths: [options.notebook] + [options.paramsFile].compactMap { $0 })
        while true {
            watched.snapshot()
            let reads = render(into: session)
            watched.paths = [options.notebook] + [options.paramsFile].compactMap { $0 } + reads
            while !watched.changed() { Thread.sleep(forTimeInterval: 0.2) }
            Terminal.status("emotive: \(options.notebook) changed; rendering")
        }
    }

    /// One render into the session; returns the data paths the notebook read.
    private func render(into session: PreviewSession) -> [String] {
        let start = Date()
        session.rendering("parsing \(options.notebook)")
        let parsed = try? NotebookParser.parse(fileAt: options.notebook)
        let progress = Progress(session: session, cells: parsed?.notebook.cells ?? [])
        let request = RunRequest(
            notebookPath: options.notebook, overrides: options.overrides,
            cacheDirectory: options.cacheDir, useFreezeCache: !noCache, timeLimit: timeLimit)
        let path = options.notebook
        do {
            let cache = CacheLayout.forNotebook(path, override: options.cacheDir)
            let lock = try RenderLock(path: cache.lockPath(for: path)) {
                Terminal.status("emotive: \($0)")
            }
            defer { withExtendedLifetime(lock) {} }
            let report = try Pipeline.run(
                request,
                log: { line in
                    Terminal.status(line)
                    if line.hasPrefix("emotive: compiling") {
                        session.rendering(String(line.dropFirst(9)))
                    }
                }, onEvent: progress.handle)
            Terminal.problems(report)
            if let f = report.executed.failure {
                session.failed(
                    file: path, line: f.line,
                    message: "cell \(f.cellIndex + 1) failed: \(f.message)")
            } else {
                session.published(try HTMLRenderer().render(report.executed))
                Terminal.status(
                    "emotive: preview updated in \(Terminal.formatTime(Date().timeIntervalSince(start)))"
                        + (report.frozen ? " (frozen)" : ""))
            }
            return Array(report.dataPaths.values)
        } catch let e as CompileFailure {
            _ = fail(e)
            session.failed(
                file: path, line: e.firstLine,
                message: e.diagnostics.trimmingCharacters(in: .newlines))
        } catch let e as RunnerError {
            _ = fail(e)
            session.failed(file: e.file ?? path, line: e.line, message: e.message)
        } catch let e as AtomicFile.WriteError {
            _ = fail(e)
            session.failed(file: e.path, line: nil, message: e.reason)
        } catch {
            _ = fail(error)
            session.failed(file: path, line: nil, message: "\(error)")
        }
        return []
    }

    /// Turns the run's live events into the page's progress strip: the running cell, then
    /// the last line the program wrote to stderr (training progress).
    final class Progress: @unchecked Sendable {
        // @unchecked: `cellText` is touched only while holding `lock`.
        private let lock = NSLock()
        private let session: PreviewSession
        private let cells: [Cell]
        private var cellText = ""

        init(session: PreviewSession, cells: [Cell]) {
            self.session = session
            self.cells = cells
        }

        var handle: @Sendable (LiveEvent) -> Void {
            { [self] event in
                lock.withLock {
                    switch event {
                    case .cellStarted(let i):
                        let cell = cells.first { $0.index == i }
                        cellText =
                            "cell \(i + 1)/\(cells.count) · line \(cell?.line ?? 0)"
                            + (cell?.options.label.map { " · \($0)" } ?? "")
                        session.rendering(cellText)
                    case .standardError(let text):
                        FileHandle.standardError.write(Data(text.utf8))
                        let last = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
                            .last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                        if let last {
                            session.rendering(cellText + " — " + ReportLine.plain(String(last)))
                        }
                    case .standardOutput:
                        break
                    }
                }
            }
        }
    }
}

/// Text from a terminal stream without ANSI escapes.
enum ReportLine {
    static func plain(_ s: String) -> String {
        s.replacingOccurrences(
            of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression
        )
        .trimmingCharacters(in: .whitespaces)
    }
}

/// Modification times and sizes of the files a preview watches (a folder: its own entry
/// and its direct children's).
struct WatchedFiles {
    var paths: [String]
    private var last: [String: String] = [:]

    init(paths: [String]) { self.paths = paths }

    mutating func snapshot() { last = stamps() }

    /// True (and a new snapshot taken) when anything changed since the last snapshot.
    mutating func changed() -> Bool {
        let now = stamps()
        guard now != last else { return false }
        last = now
        return true
    }

    private func stamps() -> [String: String] {
        var out: [String: String] = [:]
        for path in paths {
            out[path] = Self.stamp(path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
                isDirectory.boolValue
            {
                for child in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                    out[path + "/" + child] = Self.stamp(path + "/" + child)
                }
            }
        }
        return out
    }

    static func stamp(_ path: String) -> String {
        var s = stat()
        guard stat(path, &s) == 0 else { return "missing" }
        return "\(s.st_mtim.tv_sec).\(s.st_mtim.tv_nsec)|\(s.st_size)|\(s.st_ino)"
    }
}

/// Ctrl-C (SIGINT) and SIGTERM end the preview cleanly. The C handler only writes a byte to
/// a pipe; a thread reading it runs the Swift shutdown.
enum StopSignal {
    nonisolated(unsafe) private static var writeFD: Int32 = -1

    /// Call on the main thread (threads started later inherit its signal mask).
    static func install(_ onStop: @escaping @Sendable () -> Void) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        writeFD = fds[1]
        let handler: @convention(c) (Int32) -> Void = { _ in
            var byte: UInt8 = 1
            _ = write(StopSignal.writeFD, &byte, 1)
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        // A parent may have started us with these blocked (a test runner's thread does).
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &set, nil)
        let readFD = fds[0]
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while read(readFD, &byte, 1) < 0 && errno == EINTR {}
            onStop()
        }
    }
}
