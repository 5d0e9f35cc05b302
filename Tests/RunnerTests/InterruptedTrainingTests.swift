import Foundation
import Testing
@testable import Runner

/// `kill -9` during a training: the next `emotive render` resumes from the last epoch
/// checkpoint and writes the same results as a render that was never interrupted.
@Suite("An interrupted training resumes")
struct InterruptedTrainingTests {
    static let notebook = "interrupted_training.md"

    /// A folder with a copy of the notebook, so both renders name it the same way.
    func workspace() throws -> String {
        let dir = try makeTemporaryDirectory()
        try FileManager.default.copyItem(
            atPath: "\(TestNotebooks.directory)/\(Self.notebook)", toPath: "\(dir)/\(Self.notebook)"
        )
        return dir
    }

    func emotive() throws -> String { try Toolchain.locate().buildDirectory + "/emotive" }

    func render(in dir: String, cache: String, out: String) throws -> ChildProcess.Result {
        try ChildProcess.run(
            try emotive(),
            ["render", Self.notebook, "--cache-dir", cache, "--out", out, "--to", "json"],
            currentDirectory: dir)
    }

    @Test(
        "a render killed with SIGKILL after epoch 2 resumes there and writes the uninterrupted results"
    )
    func killedRenderResumes() throws {
        let dir = try workspace()
        let reference = try render(
            in: dir, cache: dir + "/cache-reference", out: dir + "/reference")
        #expect(reference.status == 0, "\(reference.stderr)")
        #expect(!reference.stderr.contains("resuming"))

        // Start a render, wait for the second epoch's line on its stderr, then kill it and
        // everything it started (the notebook program that trains) with SIGKILL.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try emotive())
        process.arguments = [
            "render", Self.notebook, "--cache-dir", dir + "/cache", "--out", dir + "/out", "--to",
            "json",
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        let seen = StderrBuffer()
        err.fileHandleForReading.readabilityHandler = { seen.append($0.availableData) }
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while !seen.text.contains("Epoch 2/6") && process.isRunning && Date() < deadline {
            usleep(20_000)
        }
        #expect(seen.text.contains("Epoch 2/6"), "\(seen.text)")
        let tree = [process.processIdentifier] + descendants(of: process.processIdentifier)
        for pid in tree { kill(pid, SIGKILL) }
        process.waitUntilExit()
        err.fileHandleForReading.readabilityHandler = nil
        #expect(
            process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
        #expect(!seen.text.contains("Epoch 6/6"), "the kill came before the training ended")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out/interrupted_training.json"))

        let resumed = try render(in: dir, cache: dir + "/cache", out: dir + "/out")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let line = try #require(
            resumed.stderr.split(separator: "\n").first {
                $0.hasPrefix("resuming training from the checkpoint of epoch")
            },
            "\(resumed.stderr)")
        let epoch = Int(line.split(separator: " ")[7]) ?? 0
        #expect((2..<6).contains(epoch) && line.contains(" of 6 (key "), "\(line)")
        #expect(
            !resumed.stderr.contains("Epoch 1/6") && resumed.stderr.contains("Epoch 6/6"),
            "only the remaining epochs ran")
        let expected = try String(
            contentsOfFile: dir + "/reference/interrupted_training.json", encoding: .utf8)
        let got = try String(
            contentsOfFile: dir + "/out/interrupted_training.json", encoding: .utf8)
        #expect(got == expected)
        #expect(expected.contains("weights FNV-1a"), "the results name the final weights")
        let training = try FileManager.default.contentsOfDirectory(atPath: dir + "/cache/training")
        #expect(training.count == 1 && !training[0].contains("partial"), "\(training)")
    }

    /// Every process whose ancestry leads to `root` (from /proc).
    func descendants(of root: Int32) -> [Int32] {
        var parent: [Int32: Int32] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(name),
                let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")  // state, ppid, …
            if fields.count > 1, let ppid = Int32(fields[1]) { parent[pid] = ppid }
        }
        var found: [Int32] = [], frontier = [root]
        while let p = frontier.popLast() {
            let children = parent.filter { $0.value == p }.map(\.key)
            found += children
            frontier += children
        }
        return found
    }
}

/// Bytes read from a pipe on another thread.
final class StderrBuffer: @unchecked Sendable {
    // @unchecked: `data` is only touched while holding `lock`.
    private let lock = NSLock()
    private var data = Data()
    func append(_ d: Data) { lock.withLock { data.append(d) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
