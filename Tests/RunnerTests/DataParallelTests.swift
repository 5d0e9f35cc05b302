import Foundation
import Testing
@testable import Runner

/// `emotive render --ranks N`: the notebook program started by Open MPI's `mpirun` on this
/// machine (2 ranks over loopback TCP, as CI runs it), against what one process computes.
/// Needs `mpirun` (`.ci/setup` installs openmpi-bin).
@Suite("Data-parallel training over MPI", .serialized)
struct DataParallelTests {
    static let notebook = "data_parallel.md"
    static let epochColumns = ["epoch", "loss", "accuracy", "val_loss", "val_accuracy"]

    func workspace() throws -> String {
        let dir = try makeTemporaryDirectory()
        try FileManager.default.copyItem(
            atPath: "\(TestNotebooks.directory)/\(Self.notebook)",
            toPath: "\(dir)/\(Self.notebook)")
        return dir
    }

    func emotive() throws -> String { try Toolchain.locate().buildDirectory + "/emotive" }

    /// Loopback TCP only, as between machines (shared memory would hide the network path).
    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["OMPI_MCA_btl"] = "self,tcp"
        env["OMPI_MCA_btl_tcp_if_include"] = "lo"
        env["OMPI_MCA_oob_tcp_if_include"] = "lo"
        return env
    }

    func render(in dir: String, out: String, ranks: Int?, _ extra: [String] = []) throws
        -> ChildProcess.Result
    {
        var args =
            ["render", Self.notebook, "--cache-dir", out + "-cache", "--out", out, "--to", "json"]
            + extra
        if let ranks { args += ["--ranks", String(ranks)] }
        return try ChildProcess.run(
            try emotive(), args, environment: environment, currentDirectory: dir)
    }

    struct Results {
        let json: [String: Any]
        var tables: [[String: Any]] { json["tables"] as? [[String: Any]] ?? [] }
        /// The rows of the table with exactly these columns.
        func rows(_ columns: String...) -> [[String]] { rows(columns) }
        func rows(_ columns: [String]) -> [[String]] {
            tables.first { ($0["columns"] as? [String]) == columns }?["rows"] as? [[String]] ?? []
        }
        /// Every table's rows, in order.
        var allRows: [[[String]]] { tables.map { $0["rows"] as? [[String]] ?? [] } }
        /// Each weight's values, by name.
        var weights: [String: [Double]] {
            Dictionary(
                uniqueKeysWithValues: rows("weight", "values").filter { $0.count == 2 }.map { row in
                    (row[0], row[1].split(separator: " ").compactMap { Double($0) })
                })
        }
        var metrics: [String: Double] { json["metrics"] as? [String: Double] ?? [:] }
        var status: String { json["status"] as? String ?? "" }
    }

    func results(_ path: String) throws -> Results {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return Results(
            json: try #require(JSONSerialization.jsonObject(with: data) as? [String: Any]))
    }

    /// Losses and accuracies of every epoch to 1e-5 relative, every weight to 1e-5 of its
    /// tensor's largest value, the same test accuracy.
    func expectSameNumbers(_ a: Results, _ b: Results, epochs: Int = 3) {
        // Losses and accuracies of every epoch.
        let epochsA = a.rows(Self.epochColumns), epochsB = b.rows(Self.epochColumns)
        #expect(epochsA.count == epochs && epochsB.count == epochs)
        for (ra, rb) in zip(epochsA, epochsB) {
            for (x, y) in zip(ra.dropFirst(), rb.dropFirst()) {
                let (u, v) = (Double(x) ?? .nan, Double(y) ?? .nan)
                #expect(abs(u - v) <= 1e-5 * max(abs(u), 1e-3), "epoch \(ra[0]): \(x) vs \(y)")
            }
        }
        // Every weight, elementwise, relative to the tensor's largest value.
        let wa = a.weights, wb = b.weights
        #expect(wa.count == 12 && Set(wa.keys) == Set(wb.keys))
        for (name, u) in wa {
            guard let v = wb[name] else { continue }
            #expect(u.count == v.count && !u.isEmpty)
            let scale = u.map(abs).max() ?? 0
            let worst = zip(u, v).map { abs($0 - $1) }.max() ?? .infinity
            #expect(
                worst <= 1e-5 * scale,
                "\(name): max difference \(worst) against largest value \(scale)")
        }
        #expect(a.metrics["testAccuracy"] == b.metrics["testAccuracy"])
        let (la, lb) = (a.metrics["testLoss"] ?? .nan, b.metrics["testLoss"] ?? .nan)
        #expect(abs(la - lb) <= 1e-5 * la)
    }

    @Test(
        "2 ranks with synchronized batch norm give the losses and weights of 1 rank, and agree with each other every epoch"
    )
    func twoRanksMatchOne() throws {
        let dir = try workspace()
        let one = try render(in: dir, out: dir + "/one", ranks: nil)
        #expect(one.status == 0, "\(one.stderr)")
        let two = try render(in: dir, out: dir + "/two", ranks: 2)
        #expect(two.status == 0, "\(two.stderr)")
        let a = try results(dir + "/one/data_parallel.json"),
            b = try results(dir + "/two/data_parallel.json")
        #expect(
            a.metrics["ranks"] == 1 && b.metrics["ranks"] == 2,
            "the second render really ran on 2 ranks")
        #expect(
            a.status == "passed" && b.status == "passed",
            "every rank held rank 0's weights after every epoch")
        // One report, written by rank 0 only.
        let written = try FileManager.default.contentsOfDirectory(atPath: dir + "/two").sorted()
        #expect(written == ["data_parallel.json", "data_parallel.notebook.json"], "\(written)")

        expectSameNumbers(a, b)

        // The same rank count and seed again: bitwise the same results.
        let again = try render(in: dir, out: dir + "/again", ranks: 2)
        #expect(again.status == 0, "\(again.stderr)")
        let c = try results(dir + "/again/data_parallel.json")
        #expect(!c.allRows.isEmpty && c.allRows == b.allRows && c.metrics == b.metrics)
        #expect(
            !c.rows("weights FNV-1a").isEmpty
                && c.rows("weights FNV-1a") == b.rows("weights FNV-1a"))
    }

    @Test(
        "a last batch the ranks cannot split evenly (3 images: 1 and 2 rows) or at all (1 image: both ranks take it whole) still gives 1 rank's numbers",
        arguments: [483, 481])
    func unevenLastBatch(samples: Int) throws {
        let dir = try workspace()
        // One epoch, so the short batch is the last step and nothing after it blurs it; plain
        // SGD, as Adam's first steps turn rounding noise into whole learning-rate steps.
        let p = ["-p", "samples=\(samples)", "-p", "epochs=1", "-p", "optimizer=sgd"]
        let one = try render(in: dir, out: dir + "/one", ranks: nil, p)
        #expect(one.status == 0, "\(one.stderr)")
        let two = try render(in: dir, out: dir + "/two", ranks: 2, p)
        #expect(two.status == 0, "\(two.stderr)")
        let a = try results(dir + "/one/data_parallel.json"),
            b = try results(dir + "/two/data_parallel.json")
        #expect(a.metrics["ranks"] == 1 && b.metrics["ranks"] == 2)
        #expect(b.status == "passed", "every rank held rank 0's weights after every epoch")
        expectSameNumbers(a, b, epochs: 1)
    }

    @Test(
        "2 ranks with per-rank batch norm train, stay in agreement, and differ from the synchronized run"
    )
    func perRankStatistics() throws {
        let dir = try workspace()
        let sync = try render(in: dir, out: dir + "/sync", ranks: 2)
        let perRank = try render(
            in: dir, out: dir + "/per-rank", ranks: 2, ["-p", "batchNorm=perRank"])
        #expect(sync.status == 0 && perRank.status == 0, "\(perRank.stderr)")
        let a = try results(dir + "/sync/data_parallel.json"),
            b = try results(dir + "/per-rank/data_parallel.json")
        #expect(b.status == "passed", "weights identical on both ranks after every epoch")
        #expect(
            a.rows("weights FNV-1a") != b.rows("weights FNV-1a"),
            "shard statistics change the numbers")
        #expect((b.metrics["testAccuracy"] ?? 0) > 0.5, "it learns (4 classes: chance is 0.25)")
    }

    @Test(
        "a rank killed with SIGKILL mid-training ends the run within seconds naming the rank and cell; the re-run resumes"
    )
    func killedRankEndsTheRunAndResumes() throws {
        let dir = try workspace()
        let args = [
            "render", Self.notebook, "--cache-dir", dir + "/cache", "--out", dir + "/out", "--to",
            "json",
            "--ranks", "2", "-p", "epochs=6", "-p", "samples=2400",
        ]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try emotive())
        process.arguments = args
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        let seen = StderrBuffer()
        err.fileHandleForReading.readabilityHandler = { seen.append($0.availableData) }
        try process.run()
        let deadline = Date().addingTimeInterval(180)
        while !seen.text.contains("Epoch 2/6") && process.isRunning && Date() < deadline {
            usleep(20_000)
        }
        #expect(seen.text.contains("Epoch 2/6"), "\(seen.text)")
        let victim = try #require(
            Self.processes(withRank: 1, under: process.processIdentifier).first, "rank 1's process")
        kill(victim, SIGKILL)
        let killed = Date()
        while process.isRunning && Date().timeIntervalSince(killed) < 30 { usleep(20_000) }
        let ended = Date().timeIntervalSince(killed)
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        err.fileHandleForReading.readabilityHandler = nil
        #expect(ended < 15, "the run ended \(ended) s after the kill")
        #expect(process.terminationStatus != 0)
        #expect(
            seen.text.contains("cell 2 failed: rank 1 of 2 was killed by signal 9"), "\(seen.text)")
        // The training cell's first line of code (after its `//|` options).
        let source = try String(
            contentsOfFile: "\(TestNotebooks.directory)/\(Self.notebook)", encoding: .utf8)
        let cellLine =
            try #require(
                source.split(separator: "\n", omittingEmptySubsequences: false)
                    .firstIndex { $0.hasPrefix("let model = Sequential") }) + 1
        #expect(
            seen.text.contains("data_parallel.md:\(cellLine): error: cell 2 failed"),
            "the failure names the cell's line")
        #expect(
            Self.processes(withRank: 0, under: process.processIdentifier).isEmpty
                && Self.processes(withRank: 1, under: process.processIdentifier).isEmpty,
            "no rank left behind")

        let resumed = try ChildProcess.run(
            try emotive(), args, environment: environment, currentDirectory: dir)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let line = try #require(
            resumed.stderr.split(separator: "\n").first {
                $0.hasPrefix("resuming training from the checkpoint of epoch")
            }, "\(resumed.stderr)")
        let epoch = Int(line.split(separator: " ")[7]) ?? 0
        #expect((2..<6).contains(epoch), "\(line)")
        #expect(!resumed.stderr.contains("Epoch 1/6") && resumed.stderr.contains("Epoch 6/6"))
        let out = try results(dir + "/out/data_parallel.json")
        #expect(out.status == "passed" && out.rows(Self.epochColumns).count == 6)
    }

    @Test("a hostfile naming a host that does not exist fails fast with what to check")
    func unreachableHost() throws {
        let dir = try workspace()
        try "no-such-host.invalid slots=1\n".write(
            toFile: dir + "/hosts", atomically: true, encoding: .utf8)
        let started = Date()
        let result = try render(
            in: dir, out: dir + "/out", ranks: 2, ["--hostfile", dir + "/hosts"])
        #expect(Date().timeIntervalSince(started) < 60)
        #expect(result.status != 0)
        #expect(
            result.stderr.contains("hostfile") || result.stderr.contains("reachable"),
            "\(result.stderr)")
    }

    /// Processes started (directly or not) by `root` with this MPI world rank, from /proc:
    /// other MPI jobs on the machine are not ours to kill.
    static func processes(withRank rank: Int, under root: Int32) -> [Int32] {
        var parent: [Int32: Int32] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(name),
                let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")  // state, ppid, …
            if fields.count > 1, fields[0] != "Z", let ppid = Int32(fields[1]) {
                parent[pid] = ppid
            }
        }
        func descends(_ pid: Int32) -> Bool {
            var p = pid
            for _ in 0..<64 {
                guard let up = parent[p] else { return false }
                if up == root { return true }
                p = up
            }
            return false
        }
        var found: [Int32] = []
        for pid in parent.keys where descends(pid) {
            guard let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else {
                continue
            }
            let entries = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if entries.contains("OMPI_COMM_WORLD_RANK=\(rank)"),
                entries.contains(where: { $0.hasPrefix("EMOTIVE_CHANNEL=") })
            {
                found.append(pid)
            }
        }
        return found
    }
}
