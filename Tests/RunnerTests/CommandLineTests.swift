import Foundation
import Testing
@testable import Runner

/// The `emotive` executable on the committed notebooks (part of the serialized suite, so it
/// reuses the programs the suite compiled).
extension CompiledNotebookTests {
    func emotive(_ arguments: [String], environment extra: [String: String] = [:]) throws
        -> ChildProcess.Result
    {
        let build = try Toolchain.locate().buildDirectory
        var env = ProcessInfo.processInfo.environment
        for (k, v) in extra { env[k] = v }
        return try ChildProcess.run(
            build + "/emotive", arguments, environment: env, currentDirectory: Self.workspace)
    }

    @Test func paramsListsNamesTypesDefaultsAndProfiles() throws {
        let r = try emotive(["params", "Notebooks/basics.md"])
        #expect(r.status == 0)
        #expect(
            r.stdout == """
                name     type    default  help
                count    Int     2        
                scale    Double  1.5      multiplies every value
                tag      String  "plain"  
                verbose  Bool    false    

                profiles (--profile NAME):
                  ci: count=1

                Override with -p name=value, --profile NAME or --params-file FILE.

                """)
    }

    @Test func renderWritesTheReportAndSaysFrozenWhenNothingChanged() throws {
        let out = Self.workspace + "/Reports-cli"
        let args = [
            "render", Self.notebook("crash.md"), "--cache-dir", Self.cache, "--out", out, "--to",
            "json,html",
        ]
        let first = try emotive(args)
        #expect(first.status == 0, "\(first.stderr)")
        let second = try emotive(args)
        #expect(second.status == 0)
        #expect(second.stderr.contains("emotive: frozen"))
        #expect(second.stderr.contains("wrote "))
        let results = try String(contentsOfFile: out + "/crash.json", encoding: .utf8)
        #expect(results.contains("\"status\" : \"passed\""))
        #expect(FileManager.default.fileExists(atPath: out + "/crash.notebook.json"))
        let html = try String(contentsOfFile: out + "/crash.html", encoding: .utf8)
        #expect(html.contains("third cell ran"), "the HTML report shows the cells' outputs")
    }

    @Test func aFailingCellGivesANonZeroExitTheLineAndAPartialReport() throws {
        let out = Self.workspace + "/Reports-cli-fail"
        let r = try emotive(
            [
                "render", Self.notebook("crash.md"), "--cache-dir", Self.cache, "--out", out,
                "--to", "json", "--no-cache",
            ], environment: ["CRASH_MODE": "fatal"])
        #expect(r.status == 1)
        #expect(
            r.stderr.contains("crash.md:19: error: cell 2 failed: Fatal error: fatal in cell two"))
        #expect(r.stderr.contains("▶ cell 2/3 · line 16 · risky"), "the CLI shows which cell runs")
        let results = try String(contentsOfFile: out + "/crash.json", encoding: .utf8)
        #expect(results.contains("\"status\" : \"failed\""))
        #expect(results.contains("\"message\" : \"Fatal error: fatal in cell two\""))
    }

    @Test func anUnknownParamOnTheCommandLineListsTheValidOnes() throws {
        let r = try emotive([
            "check", "Notebooks/basics.md", "-p", "epochs=3", "--cache-dir", Self.cache,
        ])
        #expect(r.status == 1)
        #expect(
            r.stderr.contains(
                "error: unknown param 'epochs' (from -p epochs=3). Valid params: count: Int = 2, scale: Double = 1.5, tag: String = \"plain\", verbose: Bool = false."
            ))
    }
}

extension CompiledNotebookTests {
    @Test func runPrintsEachCellsOutputsAndWritesNoReport() throws {
        let r = try emotive(["run", Self.notebook("crash.md"), "--cache-dir", Self.cache])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdout == """
                ── cell 1 · line 8 ──
                first cell ran
                ── cell 2 · line 16 · risky ──
                second cell starts
                ── cell 3 · line 26 ──
                third cell ran

                """)
    }

    @Test func aRenderKilledMidwayKeepsThePreviousReportAndStopsItsNotebook() throws {
        let out = Self.workspace + "/Reports-kill"
        let args = [
            "render", Self.notebook("crash.md"), "--cache-dir", Self.cache, "--out", out, "--to",
            "json",
        ]
        #expect(try emotive(args).status == 0)
        let before = try String(contentsOfFile: out + "/crash.json", encoding: .utf8)

        let process = Process()
        process.executableURL = URL(
            fileURLWithPath: try Toolchain.locate().buildDirectory + "/emotive")
        process.arguments = args + ["--no-cache"]
        var env = ProcessInfo.processInfo.environment
        env["CRASH_MODE"] = "sleep"
        process.environment = env
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait until the notebook program sleeps in cell 2, then kill the renderer outright.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("▶ cell 2/3") {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        #expect(try String(contentsOfFile: out + "/crash.json", encoding: .utf8) == before)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: out).sorted() == [
                "crash.json", "crash.notebook.json",
            ])
        // The orphaned notebook program notices within about a second and exits.
        var orphans = 1
        for _ in 0..<50 where orphans > 0 {
            Thread.sleep(forTimeInterval: 0.1)
            let r = try ChildProcess.run(
                "/usr/bin/env", ["pgrep", "-f", Self.cache + "/build/programs/"])
            orphans = r.stdout.split(separator: "\n").count
        }
        #expect(orphans == 0, "the notebook program outlived its killed renderer")
    }
}

extension CompiledNotebookTests {
    @Test func cleanDeletesTheCachesAndCanKeepTheTrainingCache() throws {
        let dir = try makeTemporaryDirectory()
        for sub in ["freeze", "build/programs", "training", "runs"] {
            try FileManager.default.createDirectory(
                atPath: "\(dir)/c/\(sub)", withIntermediateDirectories: true)
        }
        let keep = try emotive(["clean", "--cache-dir", dir + "/c", "--keep-training"])
        #expect(keep.stdout == "emotive: removed build, freeze, runs from \(dir)/c\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/c") == ["training"])
        let all = try emotive(["clean", "--cache-dir", dir + "/c"])
        #expect(all.status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir + "/c"))
    }
}

extension CompiledNotebookTests {
    @Test func twoRendersOfOneNotebookTakeTurnsAndTheSecondSaysItWaits() throws {
        let out = Self.workspace + "/Reports-concurrent"
        let args = [
            "render", Self.notebook("crash.md"), "--cache-dir", Self.cache, "--out", out, "--to",
            "json", "--no-cache",
        ]
        let build = try Toolchain.locate().buildDirectory

        // The first render sleeps in cell 2 until its 3-second time limit stops it.
        let first = Process()
        first.executableURL = URL(fileURLWithPath: build + "/emotive")
        first.arguments = args + ["--time-limit", "3"]
        var env = ProcessInfo.processInfo.environment
        env["CRASH_MODE"] = "sleep"
        first.environment = env
        let firstErrors = Pipe()
        first.standardError = firstErrors
        first.standardOutput = FileHandle.nullDevice
        try first.run()
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("▶ cell 2/3") {
            let chunk = firstErrors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }

        let second = try emotive(args)  // starts while the first holds the lock
        first.waitUntilExit()
        #expect(first.terminationStatus == 1)
        #expect(second.status == 0)
        #expect(
            second.stderr.contains(
                "emotive: another render of this notebook is running (pid \(first.processIdentifier)"
            ))
        let results = try String(contentsOfFile: out + "/crash.json", encoding: .utf8)
        #expect(
            results.contains("\"status\" : \"passed\""),
            "the report is the second render's, written after the first")
    }
}
