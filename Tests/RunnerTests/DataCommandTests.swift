import Foundation
import Testing
@testable import Runner

/// `emotive data synth` and `emotive data inspect`, run as the real executable.
@Suite struct DataCommandTests {
    func emotive(_ arguments: [String]) throws -> ChildProcess.Result {
        let build = try Toolchain.locate().buildDirectory
        return try ChildProcess.run(
            build + "/emotive", arguments, environment: ProcessInfo.processInfo.environment,
            currentDirectory: FileManager.default.temporaryDirectory.path)
    }

    @Test func synthWritesTheKaggleLayoutAndInspectCountsIt() throws {
        let out = try makeTemporaryDirectory() + "/synthetic"
        let synth = try emotive(["data", "synth", "--out", out, "--scale", "0.002", "--seed", "5"])
        #expect(synth.status == 0, "\(synth.stderr)")
        #expect(synth.stdout.contains("training and"))
        let classes = try FileManager.default.contentsOfDirectory(atPath: out + "/train").sorted()
        #expect(classes == ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"])

        let inspect = try emotive(["data", "inspect", out])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.contains("disgust"))
        let fingerprint = synth.stdout.split(separator: "\n").first { $0.hasPrefix("fingerprint ") }
        #expect(fingerprint != nil)
    }

    @Test func synthWritesTheSameBytesForTheSameSeed() throws {
        let dir = try makeTemporaryDirectory()
        for name in ["a", "b"] {
            let r = try emotive([
                "data", "synth", "--out", "\(dir)/\(name)", "--scale", "0.002", "--format", "csv",
            ])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/a/fer2013.csv"))
        let b = try Data(contentsOf: URL(fileURLWithPath: dir + "/b/fer2013.csv"))
        #expect(!a.isEmpty && a == b)
    }

    @Test(
        "synth writes the data of a notebook's generator settings: difficulty and image size, fingerprints printed"
    )
    func synthTakesTheGeneratorsConfiguration() throws {
        let dir = try makeTemporaryDirectory()
        func synth(_ name: String, _ extra: [String]) throws -> (stdout: String, inspect: String) {
            let r = try emotive(
                ["data", "synth", "--out", "\(dir)/\(name)", "--scale", "0.002", "--seed", "2024"]
                    + extra)
            #expect(r.status == 0, "\(r.stderr)")
            let inspect = try emotive(["data", "inspect", "\(dir)/\(name)"])
            #expect(inspect.status == 0, "\(inspect.stderr)")
            return (r.stdout, inspect.stdout)
        }
        let easy = try synth("easy", ["--difficulty", "0.4", "--image-size", "32"])
        let hard = try synth("hard", [])
        #expect(easy.stdout.contains("difficulty 0.4, 32x32"), "\(easy.stdout)")
        #expect(easy.inspect.contains("images of 32x32x1"), "\(easy.inspect)")
        #expect(hard.inspect.contains("images of 48x48x1"), "\(hard.inspect)")
        func line(_ text: String, _ prefix: String) -> Substring? {
            text.split(separator: "\n").first { $0.hasPrefix(prefix) }
        }
        // What was written reads back as what was generated, and the settings change the data.
        #expect(
            line(easy.stdout, "fingerprint ") != nil
                && line(easy.stdout, "fingerprint ") == line(easy.inspect, "fingerprint "))
        #expect(line(easy.stdout, "train fingerprint ") != line(hard.stdout, "train fingerprint "))
        let bad = try emotive(["data", "synth", "--out", "\(dir)/bad", "--difficulty", "1.5"])
        #expect(
            bad.status != 0 && bad.stderr.contains("--difficulty must be between 0 and 1, got 1.5"),
            "\(bad.stderr)")
        let small = try emotive(["data", "synth", "--out", "\(dir)/bad", "--image-size", "8"])
        #expect(
            small.status != 0 && small.stderr.contains("--image-size must be at least 16, got 8"),
            "\(small.stderr)")
    }

    @Test func badArgumentsAreNamed() throws {
        let format = try emotive(["data", "synth", "--out", "/tmp/x", "--format", "tiff"])
        #expect(format.status != 0)
        #expect(
            format.stderr.contains("--format must be one of folders, folders-jpeg, csv, got 'tiff'")
        )
        let missing = try emotive(["data", "inspect", "/nonexistent/fer2013"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/nonexistent/fer2013 does not exist"))
    }
}
