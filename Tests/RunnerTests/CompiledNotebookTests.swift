import Foundation
import NotebookModel
import Testing
@testable import Runner

/// Runs the real compiler against the debug-built libEmotive.so. Serialized, and sharing
/// one cache folder, so each distinct notebook program is compiled once for the suite.
@Suite("Compiling and running notebooks", .serialized)
struct CompiledNotebookTests {
    /// One folder per test process: the notebooks' copies, the cache, the reports.
    static let workspace: String = {
        let path = NSTemporaryDirectory() + "emotive-runner-tests-\(getpid())"
        try? FileManager.default.createDirectory(
            atPath: path + "/Notebooks", withIntermediateDirectories: true)
        for name in ["basics.md", "crash.md", "compile_error.md", "divs.md"] {
            try? FileManager.default.removeItem(atPath: "\(path)/Notebooks/\(name)")
            try? FileManager.default.copyItem(
                atPath: "\(TestNotebooks.directory)/\(name)", toPath: "\(path)/Notebooks/\(name)")
        }
        return path
    }()

    static var cache: String { workspace + "/cache" }
    static func notebook(_ name: String) -> String { "\(workspace)/Notebooks/\(name)" }

    static let secret = "tok-9f8e7d6c5b"
    static let kaggleKey = "kaggle-0a1b2c3d4e"

    func request(
        _ name: String, overrides: ParamOverrides = ParamOverrides(), freeze: Bool = false,
        timeLimit: Double? = nil, environment extra: [String: String] = [:]
    ) -> RunRequest {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in extra { env[k] = v }
        return RunRequest(
            notebookPath: Self.notebook(name), overrides: overrides, cacheDirectory: Self.cache,
            useFreezeCache: freeze, timeLimit: timeLimit, environment: env)
    }

    // MARK: - basics.md: one compile, many claims

    static let basics: Result<RunReport, any Error> = {
        let kaggleDir = workspace + "/kaggle"
        try? FileManager.default.createDirectory(
            atPath: kaggleDir, withIntermediateDirectories: true)
        try? #"{"username": "me", "key": "\#(kaggleKey)"}"#.write(
            toFile: kaggleDir + "/kaggle.json", atomically: true, encoding: .utf8)
        var env = ProcessInfo.processInfo.environment
        env["EMOTIVE_TEST_TOKEN"] = secret
        env["KAGGLE_CONFIG_DIR"] = kaggleDir
        let request = RunRequest(
            notebookPath: notebook("basics.md"),
            overrides: ParamOverrides(profile: "ci", assignments: ["scale=2"]),
            cacheDirectory: cache, useFreezeCache: false, environment: env)
        return Result { try Pipeline.run(request, log: { _ in }) }
    }()

    func basics() throws -> RunReport { try Self.basics.get() }

    @Test func variablesAreSharedAcrossCellsAndParamsReachThem() throws {
        let report = try basics()
        // profile ci sets count = 1, -p sets scale = 2: values = [2.0], total = 2.
        let first = try #require(report.executed.results[0])
        #expect(first.outputs.first == .text("values: [2.0]"))
        #expect(
            report.executed.results[1]?.outputs.contains(.metric(name: "total", value: 2)) == true)
        #expect(report.executed.provenance.params["count"] == .int(1))
        #expect(report.executed.provenance.params["scale"] == .double(2))
    }

    @Test func aCellsLabelAndCaptionGoToItsTable() throws {
        let outputs = try #require(try basics().executed.results[0]?.outputs)
        #expect(
            outputs.contains(
                .table(
                    NotebookModel.Table(
                        label: "tbl-values", caption: "The values.",
                        columns: ["i", "value"], alignments: [.right, .right],
                        rows: [["0", "2.0000"]]))))
    }

    @Test func inlineExpressionsAreReplacedByTheirValues() throws {
        #expect(try basics().executed.inlineValues == [0: "1", 1: "1", 2: "2"])
    }

    @Test func evalFalseCellsDoNotRunAndOutputFalseCellsShowOnlyFailedClaims() throws {
        let report = try basics()
        #expect(report.executed.results[2] == nil)
        #expect(
            report.executed.results[3]?.outputs == [
                .expectation(Expectation(passed: false, message: "the total is large", line: 46))
            ])
        #expect(
            report.parsed.notebook.cells[1].options.echo == false, "echo is the renderers' to obey")
    }

    @Test func aFailedExpectationFailsTheRunButNotTheCells() throws {
        let report = try basics()
        #expect(!report.succeeded)
        #expect(report.executed.failure == nil)
        #expect(report.failedExpectations.map(\.expectation.message) == ["the total is large"])
        #expect(report.executed.results[5] != nil, "later cells still ran")
    }

    @Test func aFailedClaimIsFrozenLikeAnyResultAndStillFailsTheRender() throws {
        _ = try basics()
        var env = ProcessInfo.processInfo.environment
        env["EMOTIVE_TEST_TOKEN"] = Self.secret
        let again = try Pipeline.run(
            RunRequest(
                notebookPath: Self.notebook("basics.md"),
                overrides: ParamOverrides(profile: "ci", assignments: ["scale=2"]),
                cacheDirectory: Self.cache, environment: env), log: { _ in })
        #expect(again.frozen)
        #expect(!again.succeeded)
        #expect(again.failedExpectations.map(\.expectation.message) == ["the total is large"])
    }

    @Test func aCellWithErrorTrueShowsItsErrorInPlace() throws {
        #expect(
            try basics().executed.results[4]?.outputs == [
                .text("before the throw"), .text("error: Oops()"),
            ])
    }

    @Test func stderrIsCapturedAsTheReaderSawItAndMarkdownIsShown() throws {
        #expect(
            try basics().executed.results[5]?.outputs == [
                .markdown("Total: **2.0**"), .text("step 2"),
            ])
    }

    @Test func secretsAreScrubbedFromTheRunAndFromEveryFileWritten() throws {
        let report = try basics()
        let outputs = report.executed.results[1]?.outputs ?? []
        let text: String = outputs.map { output -> String in
            if case .text(let t) = output { return t }
            return ""
        }.joined()
        #expect(text.contains("token: [redacted]"))
        #expect(text.contains("\"key\": \"[redacted]\""))
        let out = Self.workspace + "/Reports-basics"
        let written = try ReportWriter.write(report, to: out, formats: ["json"], renderers: [:])
        #expect(written.count == 2)
        for file in written {
            let content = try String(contentsOfFile: file, encoding: .utf8)
            #expect(!content.contains(Self.secret), "\(file) holds the token")
            #expect(!content.contains(Self.kaggleKey), "\(file) holds the Kaggle key")
        }
        for entry in (try? FileManager.default.subpathsOfDirectory(atPath: Self.cache + "/freeze"))
            ?? []
        {
            let content = try String(
                contentsOfFile: Self.cache + "/freeze/" + entry, encoding: .utf8)
            #expect(!content.contains(Self.secret))
        }
    }

    @Test func theResultsJSONHoldsTablesMetricsExpectationsAndInlineValues() throws {
        let results = ResultsJSON(
            try basics().executed, inlineExpressions: try basics().parsed.inlineExpressions)
        #expect(results.status == "failed")
        #expect(results.metrics == ["total": 2])
        #expect(results.tables.map(\.label) == ["tbl-values"])
        #expect(results.expectations.map(\.passed) == [false])
        #expect(
            results.inline == ["0: params.count": "1", "1: values.count": "1", "2: total": "2"])
    }

    // MARK: - compile_error.md

    @Test func aCompileErrorNamesTheNotebookLineAndColumnAndNothingRuns() throws {
        #expect {
            try Pipeline.run(request("compile_error.md"), log: { _ in })
        } throws: { error in
            guard let failure = error as? CompileFailure else { return false }
            let path = Self.notebook("compile_error.md")
            return failure.firstLine == 13
                && failure.diagnostics.hasPrefix(
                    "\(path):13:13: error: cannot find 'undefinedName' in scope\n")
                && failure.diagnostics.contains(
                    " 13 | let b = a + undefinedName\n    |             ^")
        }
    }

    // MARK: - crash.md: one compile, a run per failure mode

    func crash(_ mode: String, timeLimit: Double? = nil) throws -> RunReport {
        try Pipeline.run(
            request("crash.md", timeLimit: timeLimit, environment: ["CRASH_MODE": mode]),
            log: { _ in })
    }

    @Test func aThrownErrorEndsTheRunNamingTheCell() throws {
        let report = try crash("throw")
        #expect(
            report.executed.failure
                == CellFailure(
                    cellIndex: 1, line: 16, message: "uncaught error: the data is broken"))
        #expect(report.executed.results[0]?.outputs == [.text("first cell ran")])
        #expect(
            report.executed.results[1]?.outputs == [.text("second cell starts")],
            "the partial outputs are kept")
        #expect(report.executed.results[2] == nil, "later cells do not run")
    }

    @Test func aFatalErrorNamesItsLine() throws {
        #expect(
            try crash("fatal").executed.failure
                == CellFailure(cellIndex: 1, line: 19, message: "Fatal error: fatal in cell two"))
    }

    @Test func anIndexOutOfRangeNamesItsLine() throws {
        let report = try crash("index")
        let stderr = report.executed.results[1]?.outputs ?? []
        #expect(
            report.executed.failure
                == CellFailure(cellIndex: 1, line: 20, message: "Fatal error: Index out of range"),
            "cell outputs: \(stderr)")
    }

    @Test func theTimeLimitStopsTheRunningCell() throws {
        let report = try crash("sleep", timeLimit: 2)
        let failure = try #require(report.executed.failure)
        #expect(failure.cellIndex == 1)
        #expect(
            failure.message
                == "stopped: the notebook time limit of 2 s was reached while this cell was running"
        )
    }

    @Test func theMemoryCeilingStopsTheRunningCell() throws {
        let request = request("crash.md", environment: ["CRASH_MODE": "memory"])
        var limited = request
        limited.memoryLimit = 200 << 20
        let failure = try #require(try Pipeline.run(limited, log: { _ in }).executed.failure)
        #expect(failure.cellIndex == 1)
        #expect(
            failure.message.hasPrefix(
                "stopped: the notebook memory ceiling of 0.20 GiB was exceeded ("))
    }

    @Test func aProseOnlyEditReusesTheStoredOutputsWithoutCompiling() throws {
        let path = Self.notebook("crash.md")
        let original = try String(contentsOfFile: path, encoding: .utf8)
        defer { try? original.write(toFile: path, atomically: true, encoding: .utf8) }
        let first = try Pipeline.run(request("crash.md", freeze: true), log: { _ in })
        #expect(first.succeeded)
        try original.replacingOccurrences(
            of: "Some prose between the cells.", with: "Edited prose,\n\nnow two paragraphs."
        )
        .write(toFile: path, atomically: true, encoding: .utf8)
        let second = try Pipeline.run(request("crash.md", freeze: true), log: { _ in })
        #expect(second.frozen)
        #expect(second.compiled == nil, "nothing was compiled")
        #expect(second.executed.provenance.frozen)
        #expect(second.executed.results[2]?.outputs == [.text("third cell ran")])
        #expect(
            second.executed.notebook.blocks.contains(
                .prose(.paragraph([.text("now two paragraphs.")]))))
    }

    @Test func aCodeEditRunsAgain() throws {
        let path = Self.notebook("crash.md")
        let original = try String(contentsOfFile: path, encoding: .utf8)
        defer { try? original.write(toFile: path, atomically: true, encoding: .utf8) }
        _ = try Pipeline.run(request("crash.md", freeze: true), log: { _ in })
        try original.replacingOccurrences(
            of: "print(\"third cell ran\")", with: "print(\"third cell changed\")"
        )
        .write(toFile: path, atomically: true, encoding: .utf8)
        let again = try Pipeline.run(request("crash.md", freeze: true), log: { _ in })
        #expect(!again.frozen)
        #expect(again.executed.results[2]?.outputs == [.text("third cell changed")])
    }
}
