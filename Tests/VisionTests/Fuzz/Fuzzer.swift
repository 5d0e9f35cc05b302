// The fuzz campaign: seeds from Fuzz/corpus, seeded mutations, and a harness that feeds
// each input to Vision and classifies the outcome. A crash or a hang cannot be observed
// from inside the process, so in long runs (Fuzz/fuzz.sh) a signal handler and a watchdog
// save the input being tried into corpus/regressions before the process ends.
import Foundation
import Vision

enum FuzzCorpus {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("corpus")

    /// Seed files of a target, plus regression cases saved as `regressions/<target>-*`.
    static func seeds(for target: FuzzTarget) -> [[UInt8]] {
        files(for: target).map { [UInt8]((try? Data(contentsOf: $0)) ?? Data()) }
    }

    static func files(for target: FuzzTarget) -> [URL] {
        let fm = FileManager.default
        let seeds =
            (try? fm.contentsOfDirectory(
                at: directory.appendingPathComponent(target.rawValue),
                includingPropertiesForKeys: nil)) ?? []
        let regressions =
            ((try? fm.contentsOfDirectory(
                at: directory.appendingPathComponent("regressions"), includingPropertiesForKeys: nil
            )) ?? [])
            .filter { $0.lastPathComponent.hasPrefix(target.rawValue + "-") }
        return (seeds + regressions).sorted { $0.path < $1.path }
    }
}

/// What one input did.
enum FuzzOutcome: Equatable {
    case value
    case error
    /// Ended without crashing but broke a promise (wrong error type, inconsistent image).
    case failure(String)
}

/// Runs one input through the Vision entry points of its target.
struct FuzzHarness {
    let target: FuzzTarget
    /// A scratch file for loaders that read files.
    let scratch: URL
    /// The fer2013.csv the vote files are paired with.
    let ferCSV = FuzzCorpus.directory.appendingPathComponent("csv/fer2013.csv")

    init(target: FuzzTarget) throws {
        self.target = target
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "emotive-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        scratch = dir.appendingPathComponent(target == .ferplus ? "fer2013new.csv" : "fer2013.csv")
    }

    func run(_ bytes: [UInt8]) -> FuzzOutcome {
        do {
            switch target {
            case .png, .jpeg:
                let image = try Image.decode(bytes, path: "fuzz")
                guard image.pixels.count == image.height * image.width * image.channels,
                    (1...4).contains(image.channels),
                    image.height * image.width <= ImageDecoding.maxPixels
                else {
                    return .failure(
                        "inconsistent image \(image.height)x\(image.width)x\(image.channels), \(image.pixels.count) bytes"
                    )
                }
                let size = try Image.size(of: bytes, path: "fuzz")
                guard size.height == image.height, size.width == image.width else {
                    return .failure("size(of:) disagrees with decode")
                }
                return .value
            case .csv:
                try Data(bytes).write(to: scratch)
                let report = LoadReport()
                _ = try FER2013CSV.readSplits(
                    scratch, options: LoadOptions(onBadInput: .skip, report: report))
                // Only Training rows, or no test rows, is a DatasetError from load.
                do { _ = try FER2013CSV.load(scratch) } catch is DatasetError {}
                return .value
            case .ferplus:
                try Data(bytes).write(to: scratch)
                let rows = try FERPlus.readVotes(scratch)
                for row in rows {
                    for mode in FERPlus.LabelMode.allCases {
                        if let d = FERPlus.distribution(votes: row.votes, mode: mode),
                            d.count != 8 || !d.allSatisfy({ $0.isFinite && $0 >= 0 })
                                || abs(d.reduce(0, +) - 1) > 1e-9
                        {
                            return .failure("distribution \(d) for votes \(row.votes)")
                        }
                    }
                }
                // Row counts that differ from the paired fer2013.csv are a DatasetError.
                do {
                    _ = try FERPlus.load(
                        fer2013: ferCSV, ferPlus: scratch,
                        mode: rows.count % 2 == 0 ? .majority : .probability)
                } catch is DatasetError {}
                return .value
            }
        } catch let error as ImageError where target == .png || target == .jpeg {
            return error.description.isEmpty ? .failure("empty message") : .error
        } catch let error as DatasetError where target == .csv || target == .ferplus {
            return error.description.isEmpty ? .failure("empty message") : .error
        } catch {
            return .failure("unexpected error type \(type(of: error)): \(error)")
        }
    }
}

/// Counts from one campaign.
struct FuzzStats: CustomStringConvertible {
    var target: FuzzTarget
    var inputs = 0, values = 0, errors = 0
    var failures: [(input: [UInt8], reason: String)] = []
    var slowestSeconds = 0.0
    var slowestInput: [UInt8] = []
    var elapsedSeconds = 0.0

    var description: String {
        "fuzz \(target.rawValue): \(inputs) inputs (\(values) values, \(errors) errors), \(failures.count) failures, "
            + String(
                format: "slowest input %.3f s, %.1f s in all, peak RSS %d MB", slowestSeconds,
                elapsedSeconds, Self.peakResidentMB())
    }

    /// The process' peak resident memory (allocation bombs would show here).
    static func peakResidentMB() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(0), &usage)  // RUSAGE_SELF
        return usage.ru_maxrss / 1024
    }
}

enum FuzzCampaign {
    /// Mutates the corpus of `target` `budget` times (or for `seconds` when given).
    static func run(_ target: FuzzTarget, seed: UInt64, budget: Int, seconds: Double? = nil) throws
        -> FuzzStats
    {
        let seeds = FuzzCorpus.seeds(for: target).filter { !$0.isEmpty }
        precondition(
            !seeds.isEmpty,
            "no seed files for \(target.rawValue) under \(FuzzCorpus.directory.path)")
        let harness = try FuzzHarness(target: target)
        defer {
            try? FileManager.default.removeItem(at: harness.scratch.deletingLastPathComponent())
        }
        var random = FuzzRandom(
            seed: seed &+ UInt64(FuzzTarget.allCases.firstIndex(of: target)!) &* 0x1234_5678_9ABC)
        var stats = FuzzStats(target: target)
        var pool = seeds  // seeds plus mutants that decoded: mutated further for depth
        let start = Date()
        var peakBefore = FuzzStats.peakResidentMB()
        // Seeds themselves first: each must be accepted.
        for s in seeds {
            if case .failure(let why) = harness.run(s) { stats.failures.append((s, why)) }
        }
        while seconds.map({ Date().timeIntervalSince(start) < $0 }) ?? (stats.inputs < budget) {
            let base = random.chance(4) ? random.pick(pool) : random.pick(seeds)
            let input = Mutator.mutate(base, target: target, others: seeds, random: &random)
            Watchdog.begin(target, input)
            let t0 = Date()
            let outcome = harness.run(input)
            let took = Date().timeIntervalSince(t0)
            if took > stats.slowestSeconds {
                stats.slowestSeconds = took; stats.slowestInput = input
            }
            if Watchdog.enabled {
                // Long runs: an input that takes a second or raises peak memory by 256 MB is
                // saved for inspection (timings are noisy on a shared machine).
                let peak = FuzzStats.peakResidentMB()
                if took > 1 {
                    print(
                        "fuzz \(target.rawValue): slow input (\(took) s) saved to \(save(input, target: target, kind: "slow").path)"
                    )
                }
                if peak > peakBefore + 256 {
                    print(
                        "fuzz \(target.rawValue): peak memory \(peakBefore) → \(peak) MB; input saved to \(save(input, target: target, kind: "memory").path)"
                    )
                }
                peakBefore = peak
            }
            Watchdog.end()
            stats.inputs += 1
            switch outcome {
            case .value:
                stats.values += 1
                if pool.count < 256 { pool.append(input) } else { pool[random.below(256)] = input }
            case .error: stats.errors += 1
            case .failure(let why): stats.failures.append((input, why))
            }
        }
        stats.elapsedSeconds = Date().timeIntervalSince(start)
        return stats
    }

    /// Saves a failing input as a regression seed; returns its file.
    @discardableResult
    static func save(_ input: [UInt8], target: FuzzTarget, kind: String) -> URL {
        let name = "\(target.rawValue)-\(kind)-\(String(Mutator.crc32(input), radix: 16)).bin"
        let url = FuzzCorpus.directory.appendingPathComponent("regressions").appendingPathComponent(
            name)
        try? Data(input).write(to: url)
        return url
    }
}

/// Long runs only: saves the input in flight when the process crashes (signal handler) or
/// an input runs longer than `hangSeconds` (watchdog thread), then ends the process.
enum Watchdog {
    nonisolated(unsafe) static var enabled = false
    nonisolated(unsafe) static var hangSeconds = 10.0
    nonisolated(unsafe) static var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 24)
    nonisolated(unsafe) static var length = 0
    nonisolated(unsafe) static var started = 0.0
    nonisolated(unsafe) static var crashPath = UnsafeMutablePointer<CChar>.allocate(capacity: 4096)
    nonisolated(unsafe) static var hangTarget: FuzzTarget = .png
    static let lock = NSLock()

    /// Installs the crash handlers and the hang watchdog (one campaign at a time).
    static func enable(hangSeconds: Double) {
        enabled = true
        self.hangSeconds = hangSeconds
        for sig in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            signal(sig) { sig in
                let fd = open(Watchdog.crashPath, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
                if fd >= 0 { _ = write(fd, Watchdog.buffer, Watchdog.length); close(fd) }
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
        Thread.detachNewThread {
            while true {
                Thread.sleep(forTimeInterval: 0.5)
                lock.lock()
                let s = started, input = Array(UnsafeBufferPointer(start: buffer, count: length)),
                    target = hangTarget
                lock.unlock()
                if s > 0 && Date().timeIntervalSince1970 - s > Watchdog.hangSeconds {
                    let url = FuzzCampaign.save(input, target: target, kind: "hang")
                    print(
                        "fuzz \(target.rawValue): HANG (> \(Watchdog.hangSeconds) s); input saved to \(url.path)"
                    )
                    exit(3)
                }
            }
        }
    }

    static func begin(_ target: FuzzTarget, _ input: [UInt8]) {
        guard enabled else { return }
        lock.lock()
        hangTarget = target
        length = min(input.count, 1 << 24)
        if length > 0 {
            input.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: length) }
        }
        let path = FuzzCorpus.directory.appendingPathComponent(
            "regressions/\(target.rawValue)-crash-\(String(Mutator.crc32(input), radix: 16)).bin"
        ).path
        _ = path.withCString { strncpy(crashPath, $0, 4095) }
        started = Date().timeIntervalSince1970
        lock.unlock()
    }

    static func end() {
        guard enabled else { return }
        lock.lock(); started = 0; lock.unlock()
    }
}
