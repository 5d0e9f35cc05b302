import Checksums
import Foundation
import NotebookModel

public enum EmotiveVersion {
    public static let string = "0.1.0"
}

/// What to run and how.
public struct RunRequest: Sendable {
    public var notebookPath: String
    public var overrides: ParamOverrides
    /// Default: `.emotive-cache/` in the notebook's repository root.
    public var cacheDirectory: String?
    /// Reuse stored outputs when nothing that affects them changed.
    public var useFreezeCache: Bool
    /// Seconds for the whole notebook program; nil for no limit.
    public var timeLimit: Double?
    /// Resident memory ceiling for the notebook program in bytes; nil for none.
    public var memoryLimit: Int64?
    public var environment: [String: String]
    /// A freeze store of its own (e.g. `Reports/.freeze`, committed beside the reports) instead
    /// of the cache's: keyed by the library's sources, it holds one entry per notebook.
    public var freezeDirectory: String?
    /// Only thaw: when the store has no entry for the current code, params and library,
    /// fail with a message saying the outputs are out of date (CI's check of committed reports).
    public var frozenOnly: Bool
    /// Run on several ranks with `mpirun` (`--ranks N`); nil or 1 rank: one process.
    public var launch: RankLaunch? = nil

    public init(
        notebookPath: String, overrides: ParamOverrides = ParamOverrides(),
        cacheDirectory: String? = nil, useFreezeCache: Bool = true, timeLimit: Double? = nil,
        memoryLimit: Int64? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        freezeDirectory: String? = nil, frozenOnly: Bool = false
    ) {
        self.freezeDirectory = freezeDirectory
        self.frozenOnly = frozenOnly
        self.notebookPath = notebookPath
        self.overrides = overrides
        self.cacheDirectory = cacheDirectory
        self.useFreezeCache = useFreezeCache
        self.timeLimit = timeLimit
        self.memoryLimit = memoryLimit
        self.environment = environment
    }
}

/// The result of running (or thawing) a notebook.
public struct RunReport: Sendable {
    /// Scrubbed of secrets, outputs of `output: false` cells removed.
    public var executed: ExecutedNotebook
    public var parsed: ParsedNotebook
    public var frozen: Bool
    public var compiled: CompiledProgram?
    /// Seconds the notebook program ran (nil when frozen).
    public var runSeconds: Double?
    public var failedExpectations: [(cell: Int, expectation: Expectation)]
    public var cache: CacheLayout
    /// Files and folders the notebook read (`registerData(…, path:)`), by name: what
    /// `emotive preview` watches besides the notebook.
    public var dataPaths: [String: String] = [:]

    public var succeeded: Bool { executed.failure == nil && failedExpectations.isEmpty }
}

/// Where a notebook's caches live.
public struct CacheLayout: Sendable {
    public var root: String
    public var freeze: String { root + "/freeze" }
    public var build: String { root + "/build" }
    public var training: String { root + "/training" }
    public var runs: String { root + "/runs" }
    public var locks: String { root + "/locks" }
    public var libraryMemo: String { root + "/library-identity" }

    public init(root: String) { self.root = root }

    /// `.emotive-cache` in the repository root above `notebookPath` (the nearest folder with
    /// `.git` or `Package.swift`), else beside the notebook.
    public static func forNotebook(_ notebookPath: String, override: String?) -> CacheLayout {
        if let override { return CacheLayout(root: NotebookParser.absolutePath(override)) }
        return CacheLayout(root: repositoryRoot(for: notebookPath) + "/.emotive-cache")
    }

    public static func repositoryRoot(for path: String) -> String {
        let start = URL(fileURLWithPath: NotebookParser.absolutePath(path))
            .deletingLastPathComponent()
        var url = start
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.path + "/.git")
                || FileManager.default.fileExists(atPath: url.path + "/Package.swift")
            {
                return url.path
            }
            url = url.deletingLastPathComponent()
        }
        return start.path
    }

    /// Temporary files and folders of renders that were killed.
    func removeLeftovers() {
        AtomicFile.removeLeftovers(in: freeze)
        AtomicFile.removeLeftovers(in: build + "/programs")
        AtomicFile.removeLeftovers(in: runs, prefix: "channel-")
        AtomicFile.removeLeftovers(in: root)
    }

    public func lockPath(for notebookPath: String) -> String {
        let abs = NotebookParser.absolutePath(notebookPath)
        let name = URL(fileURLWithPath: abs).deletingPathExtension().lastPathComponent
        return "\(locks)/\(name)-\(SHA256.hex(abs).prefix(12)).lock"
    }
}

/// The runner's stages chained: parse → params → (freeze cache) → generate → compile →
/// execute → collect → scrub. Each stage is a plain function of the previous one's value.
public enum Pipeline {
    public typealias Log = @Sendable (String) -> Void

    /// Parse and resolve params (what `check`, `run` and `render` start with).
    public static func prepare(_ request: RunRequest, log: Log) throws
        -> (parsed: ParsedNotebook, params: [(name: String, value: ParamValue)])
    {
        let parsed = try NotebookParser.parse(fileAt: request.notebookPath)
        for w in parsed.warnings { log(w.description) }
        let params = try ParamResolver.resolve(
            parsed.notebook.frontMatter, notebookPath: request.notebookPath,
            overrides: request.overrides)
        return (parsed, params)
    }

    /// Compiles without running (`emotive check`).
    public static func check(_ request: RunRequest, log: Log) throws -> CompiledProgram {
        let (parsed, params) = try prepare(request, log: log)
        let cache = CacheLayout.forNotebook(request.notebookPath, override: request.cacheDirectory)
        let toolchain = try Toolchain.locate(environment: request.environment)
        let identity = try toolchain.libraryIdentity(memoFile: cache.libraryMemo)
        return try compile(
            parsed, params: params, toolchain: toolchain, identity: identity, cache: cache, log: log
        )
    }

    /// Runs the notebook, or thaws its stored outputs when nothing they depend on changed.
    public static func run(
        _ request: RunRequest, log: Log,
        onEvent: (@Sendable (LiveEvent) -> Void)? = nil
    ) throws -> RunReport {
        let (parsed, params) = try prepare(request, log: log)
        let cache = CacheLayout.forNotebook(request.notebookPath, override: request.cacheDirectory)
        cache.removeLeftovers()
        let toolchain = try Toolchain.locate(environment: request.environment)
        let identity = try toolchain.libraryIdentity(memoFile: cache.libraryMemo)
        let scrubber = SecretScrubber(environment: request.environment)
        // A store of its own travels between machines (it is committed), so its key names
        // the library by its sources, not by the bytes of one build of them.
        let store = request.freezeDirectory
        let freeze =
            store.map {
                FreezeCache(directory: $0, exclusiveName: Self.notebookName(request.notebookPath))
            }
            ?? FreezeCache(directory: cache.freeze)
        let key = FreezeCache.key(
            parsed, params: params,
            libraryIdentity: store == nil ? identity : try toolchain.sourceIdentity(),
            ranks: request.launch?.ranks ?? 1)

        var collected: CollectedRun?
        var frozen = false
        if request.useFreezeCache {
            var reason: String?
            collected = freeze.load(key: key, parsed: parsed, reason: &reason)
            if let reason { log("emotive: \(reason); running the notebook") }
            frozen = collected != nil
        }
        if collected == nil && request.frozenOnly {
            throw RunnerError(
                """
                \(Self.notebookName(request.notebookPath)) is out of date: \(freeze.directory) holds no outputs \
                for its current code cells, params and library sources. Re-render with: \
                emotive render \(request.notebookPath) --freeze-dir \(freeze.directory)\
                \(request.overrides.profile.map { " --profile \($0)" } ?? "") (or bash .ci/report), and commit the result
                """)
        }
        var compiled: CompiledProgram?
        var runSeconds: Double?
        if collected == nil {
            let program = try compile(
                parsed, params: params, toolchain: toolchain, identity: identity,
                cache: cache, log: log)
            compiled = program
            // fit keeps its training cache in $EMOTIVE_CACHE_DIR/training (= cache.training).
            let raw = try Executor.run(
                program, workDirectory: cache.runs, trainingCache: cache.root,
                timeLimit: request.timeLimit, memoryLimit: request.memoryLimit,
                environment: request.environment, launch: request.launch,
                onEvent: onEvent)
            runSeconds = raw.seconds
            var run = try scrubber.scrub(Collector.collect(raw, parsed: parsed))
            let library =
                (try? toolchain.sourceIdentity()).map { "library sources \($0.prefix(12))" }
                ?? "library build \(identity.prefix(12))"
            run.execution = currentExecution(of: parsed, library: library)
            collected = run
            // A failed claim is a result like any other (the same code gives it again), so it
            // is stored; a failed cell may be the machine's fault (time, memory), so it is not.
            if run.failure == nil {
                do {
                    try freeze.store(run, key: key, parsed: parsed)
                } catch {
                    log("emotive: warning: outputs not stored in the freeze cache: \(error)")
                }
            }
        }
        let run = collected!
        let executed = try scrubber.scrub(
            assemble(
                run, parsed: parsed, params: params,
                profile: request.overrides.profile, frozen: frozen,
                identity: identity))
        var failed: [(Int, Expectation)] = []
        for cell in parsed.notebook.cells {
            for output in run.results[cell.index]?.outputs ?? [] {
                if case .expectation(let e) = output, !e.passed { failed.append((cell.index, e)) }
            }
        }
        return RunReport(
            executed: executed, parsed: parsed, frozen: frozen, compiled: compiled,
            runSeconds: runSeconds, failedExpectations: failed, cache: cache,
            dataPaths: run.dataPaths)
    }

    /// `Notebooks/fer2013.md` → `fer2013`.
    static func notebookName(_ path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }

    static func compile(
        _ parsed: ParsedNotebook, params: [(name: String, value: ParamValue)],
        toolchain: Toolchain, identity: String, cache: CacheLayout, log: Log
    ) throws -> CompiledProgram {
        let source = CodeGenerator.generate(parsed, params: params, modules: toolchain.modules)
        if let warning = toolchain.staleLibraryWarning { log("emotive: " + warning) }
        let cells = parsed.notebook.cells.filter(\.options.eval).count
        log("emotive: compiling \(cells) cell\(cells == 1 ? "" : "s") of \(parsed.notebook.path)…")
        let program = try NotebookCompiler.compile(
            source, parsed: parsed, toolchain: toolchain,
            libraryIdentity: identity, buildDirectory: cache.build)
        if !program.warnings.isEmpty { log(program.warnings.trimmingCharacters(in: .newlines)) }
        log(
            program.reused
                ? "emotive: compiled program reused (same code, library and params)"
                : String(format: "emotive: compiled in %.1f s", program.seconds))
        return program
    }

    /// The document the renderers get: the current notebook (with its current prose) and
    /// the run's outputs, minus the outputs of `output: false` cells (their failed claims stay).
    static func assemble(
        _ run: CollectedRun, parsed: ParsedNotebook, params: [(name: String, value: ParamValue)],
        profile: String?, frozen: Bool, identity: String
    ) -> ExecutedNotebook {
        var results = run.results
        for cell in parsed.notebook.cells where !cell.options.output {
            guard var r = results[cell.index] else { continue }
            r.outputs = r.outputs.filter {
                if case .expectation(let e) = $0 { !e.passed } else { false }
            }
            results[cell.index] = r
        }
        // The run that computed the outputs, not this render: a frozen re-render of unchanged
        // outputs must write the same report on any machine and at any commit.
        let execution =
            run.execution
            ?? currentExecution(of: parsed, library: "library build \(identity.prefix(12))")
        let provenance = Provenance(
            gitCommit: execution.gitCommit, emotiveVersion: execution.emotiveVersion,
            params: Dictionary(uniqueKeysWithValues: params.map { ($0.name, $0.value) }),
            profile: profile, dataFingerprints: run.dataFingerprints,
            machine: execution.machine, executedAt: execution.executedAt, frozen: frozen)
        var executed = ExecutedNotebook(
            notebook: parsed.notebook, results: results, inlineValues: run.inlineValues,
            provenance: provenance, failure: run.failure)
        executed.markdown = GeneratedMarkdown.parse(executed)
        return executed
    }

    /// This machine, this commit and this moment, as the run that computes `parsed`'s outputs.
    static func currentExecution(of parsed: ParsedNotebook, library: String)
        -> CollectedRun.Execution
    {
        .init(
            gitCommit: gitCommit(near: parsed.notebook.path),
            emotiveVersion: "\(EmotiveVersion.string) (\(library))",
            machine: machineDescription(), executedAt: ISO8601DateFormatter().string(from: Date()))
    }

    static func gitCommit(near path: String) -> String? {
        let dir = URL(fileURLWithPath: NotebookParser.absolutePath(path))
            .deletingLastPathComponent().path
        guard
            let r = try? ChildProcess.run(
                "/usr/bin/env", ["git", "-C", dir, "rev-parse", "--short=12", "HEAD"]),
            r.status == 0
        else { return nil }
        let commit = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return commit.isEmpty ? nil : commit
    }

    static func machineDescription() -> String {
        var u = utsname()
        uname(&u)
        let machine = withUnsafeBytes(of: &u.machine) {
            String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        let system = withUnsafeBytes(of: &u.sysname) {
            String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30)
        let description = String(
            format: "%@ %@, %d cores, %.0f GiB", machine, system, cores, memory)
        // Trained numbers depend on the CPU (OpenBLAS and Emotive's kernels choose their code
        // by it, and round differently), so a reader needs to know which one.
        let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        guard let model = cpuinfo.flatMap(cpuModel(fromCPUInfo:)) else { return description }
        return "\(model), \(description)"
    }

    /// The processor's name in a Linux `/proc/cpuinfo` ("model name" on x86, "Model" or
    /// "Hardware" on some ARM boards), with runs of spaces collapsed; nil when none is named.
    static func cpuModel(fromCPUInfo text: String) -> String? {
        // "key : value" lines, in order.
        let fields = text.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return (
                parts[0].trimmingCharacters(in: .whitespaces),
                parts[1].split(whereSeparator: \.isWhitespace).joined(separator: " ")
            )
        }
        for key in ["model name", "Model", "Hardware"] {
            if let (_, value) = fields.first(where: { $0.0 == key && !$0.1.isEmpty }) {
                return value
            }
        }
        return nil
    }
}
