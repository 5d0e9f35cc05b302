import Foundation
import MessagePassing

/// What a callback may read and change while `fit` runs (Keras' `callback.model`).
public protocol TrainingControl: AnyObject {
    /// The optimizer's learning rate for the coming steps.
    var learningRate: Double { get set }
    /// Set to true to end training after the current epoch (Keras `model.stop_training`).
    var stopTraining: Bool { get set }
    /// Epochs completed so far.
    var history: History { get }
    /// A copy of every weight and state (BN moving statistics included).
    func weightsSnapshot() -> [NamedArray]
    /// Puts a snapshot back; throws if it does not fit the model.
    func restoreWeights(_ snapshot: [NamedArray]) throws
    /// Writes a checkpoint (weights, optimizer state, epoch, history) to `url`, atomically.
    func saveCheckpoint(to url: URL) throws
    /// Records that the weights now are those at the end of `epoch`.
    func noteRestored(epoch: Int)
    /// The model's name, for files a callback places itself (e.g. `ModelCheckpoint` without a path).
    var modelName: String { get }
}

extension TrainingControl {
    public var modelName: String { "model" }
}

/// Hooks `fit` calls, as Keras' `Callback` (all default to doing nothing).
///
/// Write your own by subclassing nothing: conform a class and implement the hooks you need.
/// ```swift
/// final class PrintLR: TrainingCallback {
///     func onEpochEnd(_ epoch: Int, logs: inout EpochLogs, training: TrainingControl) throws {
///         print(epoch, training.learningRate)
///     }
/// }
/// ```
public protocol TrainingCallback: AnyObject {
    func onTrainBegin(training: TrainingControl) throws
    func onEpochBegin(_ epoch: Int, training: TrainingControl) throws
    func onBatchEnd(_ batch: Int, logs: [String: Double], training: TrainingControl) throws
    func onEpochEnd(_ epoch: Int, logs: inout EpochLogs, training: TrainingControl) throws
    func onTrainEnd(training: TrainingControl) throws
    /// Names what the callback does for the training cache key (its configuration).
    var identity: String { get }
    /// What the callback has learnt so far, for the epoch checkpoints of the training cache:
    /// an interrupted `fit` that resumes calls `onTrainBegin`, then `restoreResumeState` with
    /// this, so the callback carries on as if never interrupted. `nil` (the default): the
    /// callback has no state, or starts afresh on resume.
    func resumeState() -> CallbackState?
    /// Puts back what ``resumeState()`` returned (called after `onTrainBegin` on resume).
    func restoreResumeState(_ state: CallbackState) throws
}

/// A callback's state in an epoch checkpoint: scalars as text (Doubles in Swift's
/// round-trip form) and arrays (e.g. the best weights so far).
public struct CallbackState: Sendable, Equatable {
    public var values: [String: String]
    public var arrays: [NamedArray]

    public init(values: [String: String] = [:], arrays: [NamedArray] = []) {
        self.values = values
        self.arrays = arrays
    }

    func double(_ key: String) -> Double? { values[key].flatMap(Double.init) }
    func int(_ key: String) -> Int? { values[key].flatMap { Int($0) } }
}

public extension TrainingCallback {
    func onTrainBegin(training: TrainingControl) throws {}
    func onEpochBegin(_ epoch: Int, training: TrainingControl) throws {}
    func onBatchEnd(_ batch: Int, logs: [String: Double], training: TrainingControl) throws {}
    func onEpochEnd(_ epoch: Int, logs: inout EpochLogs, training: TrainingControl) throws {}
    func onTrainEnd(training: TrainingControl) throws {}
    var identity: String { String(describing: type(of: self)) }
    func resumeState() -> CallbackState? { nil }
    func restoreResumeState(_ state: CallbackState) throws {}
}

/// Whether a monitored metric improves by going down or up.
public enum MonitorMode: String, Sendable, Codable {
    /// `min` for names ending in loss, `max` otherwise (Keras "auto").
    case auto, min, max
}

/// Keras' `MonitorCallback` comparison: improvement when value − δ beats the best.
struct Monitor {
    let metric: Metric
    let minimise: Bool
    let minDelta: Double

    init(_ metric: Metric, mode: MonitorMode, minDelta: Double) {
        self.metric = metric
        switch mode {
        case .auto: minimise = metric.smallerIsBetter
        case .min: minimise = true
        case .max: minimise = false
        }
        self.minDelta = abs(minDelta)
    }

    func isImprovement(_ value: Double, over best: Double?) -> Bool {
        guard let best else { return true }
        return minimise ? value + minDelta < best : value - minDelta > best
    }
}

/// Stops training when a metric has stopped improving (Keras 3 `EarlyStopping`).
///
/// Follows Keras 3.x exactly: at each epoch end `wait` grows by one and resets on an
/// improvement (value beats the best by more than `minDelta`); training stops when
/// `wait ≥ patience` (never at epoch 0). With `restoreBestWeights`, the best epoch's
/// weights (BN moving statistics included) are put back **at the end of training,
/// whether or not this callback stopped it** — Keras 3's behaviour. TF-Keras 2.x restored
/// only when it stopped training itself; pass `restoreOnlyWhenStopped: true` for that.
public final class EarlyStopping: TrainingCallback {
    public let monitorMetric: Metric
    public let patience: Int
    public let restoreBestWeights: Bool
    public let restoreOnlyWhenStopped: Bool
    public let baseline: Double?
    public let startFromEpoch: Int
    private let monitor: Monitor

    public private(set) var wait = 0
    public private(set) var stoppedEpoch: Int?
    public private(set) var best: Double?
    public private(set) var bestEpoch = 0
    private var bestWeights: [NamedArray]?

    public init(
        monitor: Metric = .valLoss, mode: MonitorMode = .auto, minDelta: Double = 0,
        patience: Int = 0, baseline: Double? = nil, restoreBestWeights: Bool = false,
        startFromEpoch: Int = 0, restoreOnlyWhenStopped: Bool = false
    ) {
        self.monitorMetric = monitor
        self.monitor = Monitor(monitor, mode: mode, minDelta: minDelta)
        self.patience = patience
        self.baseline = baseline
        self.restoreBestWeights = restoreBestWeights
        self.startFromEpoch = startFromEpoch
        self.restoreOnlyWhenStopped = restoreOnlyWhenStopped
    }

    public var identity: String {
        "EarlyStopping(\(monitorMetric),\(monitor.minimise ? "min" : "max"),\(monitor.minDelta),\(patience),"
            + "\(baseline.map { "\($0)" } ?? "-"),\(restoreBestWeights),\(startFromEpoch),\(restoreOnlyWhenStopped))"
    }

    public func onTrainBegin(training: TrainingControl) throws {
        wait = 0; stoppedEpoch = nil; best = nil; bestEpoch = 0; bestWeights = nil
    }

    public func onEpochEnd(_ epoch: Int, logs: inout EpochLogs, training: TrainingControl) throws {
        guard let current = logs[monitorMetric] else {
            throw TrainingError(
                "EarlyStopping monitors '\(monitorMetric)', which epoch \(epoch + 1) did not log; "
                    + "logged: \(logs.values.keys.sorted().joined(separator: ", "))")
        }
        guard epoch >= startFromEpoch else { return }
        if restoreBestWeights && bestWeights == nil {
            bestWeights = training.weightsSnapshot()
            bestEpoch = epoch
        }
        wait += 1
        if monitor.isImprovement(current, over: best) {
            best = current
            bestEpoch = epoch
            if restoreBestWeights { bestWeights = training.weightsSnapshot() }
            if baseline == nil || monitor.isImprovement(current, over: baseline) { wait = 0 }
            return
        }
        if wait >= patience && epoch > 0 {
            stoppedEpoch = epoch
            training.stopTraining = true
        }
    }

    public func resumeState() -> CallbackState? {
        var values = ["wait": String(wait), "bestEpoch": String(bestEpoch)]
        values["best"] = best.map { String($0) }
        values["stoppedEpoch"] = stoppedEpoch.map { String($0) }
        return CallbackState(values: values, arrays: bestWeights ?? [])
    }

    public func restoreResumeState(_ state: CallbackState) throws {
        guard let w = state.int("wait"), let e = state.int("bestEpoch") else {
            throw TrainingError("EarlyStopping: the resume state lacks wait or bestEpoch")
        }
        wait = w
        bestEpoch = e
        best = state.double("best")
        stoppedEpoch = state.int("stoppedEpoch")
        bestWeights = state.arrays.isEmpty ? nil : state.arrays
    }

    public func onTrainEnd(training: TrainingControl) throws {
        guard restoreBestWeights, let bestWeights else { return }
        if restoreOnlyWhenStopped && stoppedEpoch == nil { return }
        try training.restoreWeights(bestWeights)
        training.noteRestored(epoch: bestEpoch)
    }
}

/// Saves a checkpoint at epoch ends (Keras `ModelCheckpoint`, `save_freq="epoch"`).
///
/// `path` may contain `{epoch}` (1-based, as Keras formats it) and any logged metric,
/// e.g. `"ckpt-{epoch}-{val_accuracy}.safetensors"`. With `saveBestOnly`, a file is written
/// only when the monitored metric improves on the best so far (the first epoch always
/// does); if the metric is missing the file is written anyway, as Keras does.
///
/// Without a path, the file goes to ``defaultDirectory`` as `{model name}-best.safetensors`
/// (`-{epoch}` instead of `-best` when every epoch is kept): in a notebook that is a folder of
/// the runner's cache, so a cell names no temporary folders.
public final class ModelCheckpoint: TrainingCallback {
    /// Where checkpoints without a path go. The notebook runtime points it into the runner's
    /// cache (`<cache>/checkpoints`); elsewhere it is `emotive-checkpoints` in the temporary
    /// directory.
    nonisolated(unsafe) public static var defaultDirectory =
        FileManager.default.temporaryDirectory.appendingPathComponent("emotive-checkpoints")

    /// The path template; nil until training begins when the checkpoint was made without one.
    public private(set) var path: String
    private let placedByRunner: Bool
    public let monitorMetric: Metric
    public let saveBestOnly: Bool
    private let monitor: Monitor
    public private(set) var best: Double?
    /// Files written, in order (epoch, path).
    public private(set) var saved: [(epoch: Int, path: String)] = []

    public init(
        path: String, monitor: Metric = .valLoss, mode: MonitorMode = .auto,
        saveBestOnly: Bool = false,
        initialBest: Double? = nil
    ) {
        self.path = path
        self.placedByRunner = false
        self.monitorMetric = monitor
        self.saveBestOnly = saveBestOnly
        self.monitor = Monitor(monitor, mode: mode, minDelta: 0)
        self.best = initialBest
    }

    /// A checkpoint whose file ``defaultDirectory`` holds, named after the model.
    public init(
        monitor: Metric = .valLoss, mode: MonitorMode = .auto, saveBestOnly: Bool = false,
        initialBest: Double? = nil
    ) {
        self.path = ""
        self.placedByRunner = true
        self.monitorMetric = monitor
        self.saveBestOnly = saveBestOnly
        self.monitor = Monitor(monitor, mode: mode, minDelta: 0)
        self.best = initialBest
    }

    public var identity: String { "ModelCheckpoint" }  // writes files; does not change training

    public func onTrainBegin(training: TrainingControl) throws {
        guard placedByRunner else { return }
        let directory = Self.defaultDirectory
        do {
            if Communicator.world.isRoot {
                try FileManager.default.createDirectory(
                    at: directory, withIntermediateDirectories: true)
            }
        } catch {
            throw TrainingError(
                "ModelCheckpoint: cannot create the checkpoint folder \(directory.path): "
                    + "\(error.localizedDescription); pass a path: ModelCheckpoint(path: ...)")
        }
        let stem = training.modelName.isEmpty ? "model" : training.modelName
        path =
            directory.appendingPathComponent(
                stem + (saveBestOnly ? "-best" : "-{epoch}") + ".safetensors"
            ).path
    }

    public func resumeState() -> CallbackState? {
        var values = [
            "saved":
                (try? String(
                    decoding: JSONEncoder.sorted.encode(saved.map { [String($0.epoch), $0.path] }),
                    as: UTF8.self)) ?? "[]"
        ]
        values["best"] = best.map { String($0) }
        return CallbackState(values: values)
    }

    public func restoreResumeState(_ state: CallbackState) throws {
        best = state.double("best")
        let pairs =
            (try? JSONDecoder().decode(
                [[String]].self, from: Data((state.values["saved"] ?? "[]").utf8))) ?? []
        saved = pairs.compactMap { p in p.count == 2 ? Int(p[0]).map { ($0, p[1]) } : nil }
    }

    /// The path for an epoch: `{epoch}` is 1-based, `{name}` a logged metric, each with an
    /// optional printf-style format as Keras/Python write it (`{epoch:02d}`, `{val_loss:.2f}`).
    /// Placeholders naming nothing logged stay as they are.
    public func filePath(epoch: Int, logs: EpochLogs) -> String {
        var out = ""
        var rest = Substring(path)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let field = rest[rest.index(after: open)..<close]
            let parts = field.split(separator: ":", maxSplits: 1).map(String.init)
            let key = parts.first ?? "", format = parts.count > 1 ? parts[1] : nil
            if key == "epoch" {
                out +=
                    format.map {
                        String(
                            format: "%" + $0.replacingOccurrences(of: "d", with: "ld"), epoch + 1)
                    } ?? String(epoch + 1)
            } else if let v = logs.values[key] {
                out += format.map { String(format: "%" + $0, v) } ?? String(format: "%.4f", v)
            } else {
                out += "{" + field + "}"
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    public func onEpochEnd(_ epoch: Int, logs: inout EpochLogs, training: TrainingControl) throws {
        if saveBestOnly, let current = logs[monitorMetric] {
            guard monitor.isImprovement(current, over: best) else { return }
            best = current
        }
        let file = filePath(epoch: epoch, logs: logs)
        // In a data-parallel run the ranks hold the same model: rank 0 writes it.
        if Communicator.world.isRoot { try training.saveCheckpoint(to: URL(fileURLWithPath: file)) }
        saved.append((epoch, file))
    }
}

/// Sets the learning rate at each epoch's start (Keras `LearningRateScheduler`):
/// `lr = schedule(epoch, lr)` with the 0-based epoch, before any step of that epoch.
public final class LearningRateScheduler: TrainingCallback {
    public let schedule: LearningRateSchedule
    public let verbose: Bool

    public init(_ schedule: LearningRateSchedule, verbose: Bool = false) {
        self.schedule = schedule
        self.verbose = verbose
    }

    /// A schedule from a closure; `identity` names it for the training cache (without
    /// one, fit does not use the cache unless given a `cacheKey`).
    public convenience init(
        identity: String = unhashableIdentity, verbose: Bool = false,
        _ body: @escaping (_ epoch: Int, _ learningRate: Double) -> Double
    ) {
        self.init(LearningRateSchedule(identity: identity, body), verbose: verbose)
    }

    public var identity: String { "LearningRateScheduler(\(schedule.identity))" }

    public func onEpochBegin(_ epoch: Int, training: TrainingControl) throws {
        let lr = schedule.apply(epoch, training.learningRate)
        guard lr.isFinite else {
            throw TrainingError(
                "learning-rate schedule '\(schedule.identity)' returned \(lr) at epoch \(epoch + 1)"
            )
        }
        training.learningRate = lr
        if verbose {
            FileHandle.standardError.write(
                Data(
                    "\nEpoch \(epoch + 1): LearningRateScheduler setting learning rate to \(lr).\n"
                        .utf8))
        }
    }
}

/// The identity of something the training cache cannot see into (a closure without a name).
public let unhashableIdentity = "<unnamed closure>"
