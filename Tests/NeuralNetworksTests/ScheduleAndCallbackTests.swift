import Foundation
import Testing
@testable import NeuralNetworks

/// A stand-in for a training model: one weight equal to the epoch it was taken at.
final class FakeTraining: TrainingControl {
    var learningRate: Double
    var stopTraining = false
    var history = History()
    var currentEpoch = 0
    var restored: Int?
    var checkpoints: [String] = []
    init(learningRate: Double = 1e-3) { self.learningRate = learningRate }
    func weightsSnapshot() -> [NamedArray] {
        [NamedArray(name: "w", shape: [1], values: [Float(currentEpoch)])]
    }
    func restoreWeights(_ s: [NamedArray]) throws { currentEpoch = Int(s[0].values[0]) }
    func saveCheckpoint(to url: URL) throws { checkpoints.append(url.lastPathComponent) }
    func noteRestored(epoch: Int) { restored = epoch }
}

/// Runs callbacks over a scripted sequence of epoch logs the way fit does;
/// returns the epochs that ran.
@discardableResult
func simulate(
    _ callbacks: [TrainingCallback], _ training: FakeTraining, epochs: Int,
    logs: (Int) -> [String: Double]
) throws -> [Int] {
    var ran: [Int] = []
    for c in callbacks { try c.onTrainBegin(training: training) }
    for e in 0..<epochs {
        for c in callbacks { try c.onEpochBegin(e, training: training) }
        training.currentEpoch = e
        var l = EpochLogs(epoch: e, values: logs(e))
        l[.learningRate] = training.learningRate
        for c in callbacks { try c.onEpochEnd(e, logs: &l, training: training) }
        training.history.epochs.append(l)
        ran.append(e)
        if training.stopTraining { break }
    }
    for c in callbacks { try c.onTrainEnd(training: training) }
    return ran
}

@Suite("Learning-rate schedules and callbacks follow Keras")
struct ScheduleAndCallbackTests {
    @Test("the report's schedule keeps 1e-5 for epochs 0-9 and reaches ≈1.35e-6 at epoch 29")
    func reportSchedule() throws {
        let t = FakeTraining(learningRate: 1e-5)
        let s = LearningRateScheduler { epoch, lr in epoch < 10 ? lr : lr * exp(-0.1) }
        try simulate([s], t, epochs: 30) { _ in ["val_loss": 1] }
        let lrs = t.history[.learningRate]
        #expect(lrs[0..<10].allSatisfy { $0 == 1e-5 })
        #expect(abs(lrs[10] - 1e-5 * exp(-0.1)) < 1e-18)
        #expect(abs(lrs[29] - 1e-5 * exp(-0.1 * 20)) < 1e-15)
        #expect(String(format: "%.3g", lrs[29]) == "1.35e-06")
    }

    @Test("step, exponential and cosine schedules give their closed forms")
    func namedSchedules() {
        #expect(LearningRateSchedule.step(initial: 0.1, factor: 0.5, every: 2).apply(5, 0) == 0.025)
        #expect(
            abs(LearningRateSchedule.exponential(initial: 1, rate: 0.5).apply(3, 0) - 0.125) < 1e-15
        )
        let cosine = LearningRateSchedule.cosine(initial: 1, epochs: 10, alpha: 0.1)
        #expect(
            cosine.apply(0, 0) == 1 && abs(cosine.apply(10, 0) - 0.1) < 1e-15
                && abs(cosine.apply(5, 0) - 0.55) < 1e-15)
        #expect(LearningRateSchedule.constant.apply(7, 0.3) == 0.3)
    }

    @Test("keep(10, thenMultiplyBy:) is the report's schedule, and its identity holds both numbers")
    func keepThenMultiply() throws {
        let t = FakeTraining(learningRate: 1e-5)
        var lrs: [Double] = []
        final class Probe: TrainingCallback {
            let record: (Double) -> Void
            init(_ record: @escaping (Double) -> Void) { self.record = record }
            func onEpochBegin(_ epoch: Int, training: TrainingControl) throws {
                record(training.learningRate)
            }
        }
        let schedule = LearningRateSchedule.keep(10, thenMultiplyBy: exp(-0.1))
        try simulate([LearningRateScheduler(schedule), Probe { lrs.append($0) }], t, epochs: 30) {
            _ in [:]
        }
        #expect(lrs[0] == 1e-5 && lrs[9] == 1e-5)
        #expect(abs(lrs[29] - 1e-5 * exp(-0.1 * 20)) < 1e-15)
        #expect(
            schedule.identity != LearningRateSchedule.keep(10, thenMultiplyBy: exp(-0.2)).identity)
        #expect(
            schedule.identity != LearningRateSchedule.keep(5, thenMultiplyBy: exp(-0.1)).identity)
    }

    @Test("EarlyStopping(patience 2) stops two epochs after the best and restores the best epoch")
    func earlyStopping() throws {
        let t = FakeTraining()
        let es = EarlyStopping(monitor: .valLoss, patience: 2, restoreBestWeights: true)
        let losses = [1.0, 0.8, 0.9, 0.85, 0.7]
        let ran = try simulate([es], t, epochs: 5) { ["val_loss": losses[$0]] }
        #expect(ran == [0, 1, 2, 3])
        #expect(es.stoppedEpoch == 3 && es.bestEpoch == 1)
        #expect(t.currentEpoch == 1 && t.restored == 1)
    }

    @Test("Keras 3 restores the best weights at the end even when it did not stop training")
    func restoresWithoutStopping() throws {
        let t = FakeTraining()
        let es = EarlyStopping(monitor: .valLoss, patience: 5, restoreBestWeights: true)
        let losses = [1.0, 0.5, 0.7, 0.8]
        try simulate([es], t, epochs: 4) { ["val_loss": losses[$0]] }
        #expect(es.stoppedEpoch == nil && t.currentEpoch == 1)
        let t2 = FakeTraining()
        let legacy = EarlyStopping(
            monitor: .valLoss, patience: 5, restoreBestWeights: true, restoreOnlyWhenStopped: true)
        try simulate([legacy], t2, epochs: 4) { ["val_loss": losses[$0]] }
        #expect(t2.currentEpoch == 3 && t2.restored == nil)
    }

    @Test("min_delta counts only improvements larger than it; accuracy is maximised in auto mode")
    func minDeltaAndMode() throws {
        let t = FakeTraining()
        let es = EarlyStopping(monitor: .valAccuracy, minDelta: 0.05, patience: 1)
        let acc = [0.5, 0.53, 0.6]
        let ran = try simulate([es], t, epochs: 3) { ["val_accuracy": acc[$0]] }
        #expect(ran == [0, 1])  // 0.53 is not > 0.5 + 0.05: wait hits 1 at epoch 1
    }

    @Test("patience 0 never stops at epoch 0")
    func patienceZero() throws {
        let t = FakeTraining()
        let ran = try simulate([EarlyStopping(patience: 0)], t, epochs: 3) { _ in ["val_loss": 1] }
        #expect(ran == [0, 1])
    }

    @Test("EarlyStopping on a metric that is not logged names the logged ones")
    func missingMonitor() {
        #expect(throws: TrainingError.self) {
            try simulate([EarlyStopping(monitor: .valAccuracy)], FakeTraining(), epochs: 1) { _ in
                ["loss": 1]
            }
        }
    }

    @Test("ModelCheckpoint formats its path like Keras: {epoch:02d}, {val_loss:.2f}")
    func checkpointPath() {
        let mc = ModelCheckpoint(path: "w.{epoch:02d}-{val_loss:.2f}-{epoch}-{missing}.safetensors")
        #expect(
            mc.filePath(epoch: 2, logs: EpochLogs(epoch: 2, values: ["val_loss": 0.4567]))
                == "w.03-0.46-3-{missing}.safetensors")
    }

    @Test("ModelCheckpoint(save_best_only) writes only on improvement of val_accuracy")
    func checkpointBestOnly() throws {
        let t = FakeTraining()
        let mc = ModelCheckpoint(
            path: "/tmp/ck-{epoch}.safetensors", monitor: .valAccuracy, saveBestOnly: true)
        let acc = [0.3, 0.5, 0.4, 0.5, 0.6]
        try simulate([mc], t, epochs: 5) { ["val_accuracy": acc[$0]] }
        #expect(t.checkpoints == ["ck-1.safetensors", "ck-2.safetensors", "ck-5.safetensors"])
        let all = ModelCheckpoint(path: "/tmp/every.safetensors")
        let t2 = FakeTraining()
        try simulate([all], t2, epochs: 3) { _ in ["val_loss": 1] }
        #expect(t2.checkpoints.count == 3)
    }

    @Test("ModelCheckpoint without a path writes {model}-best.safetensors into defaultDirectory")
    func checkpointPlacedByRunner() throws {
        let saved = ModelCheckpoint.defaultDirectory
        defer { ModelCheckpoint.defaultDirectory = saved }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "emotive-ck-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        ModelCheckpoint.defaultDirectory = folder.appendingPathComponent("checkpoints")
        let mc = ModelCheckpoint(monitor: .valAccuracy, saveBestOnly: true)
        let t = FakeTraining()
        try simulate([mc], t, epochs: 2) { ["val_accuracy": [0.2, 0.4][$0]] }
        #expect(t.checkpoints == ["model-best.safetensors", "model-best.safetensors"])
        #expect(mc.path == folder.appendingPathComponent("checkpoints/model-best.safetensors").path)
        var isDirectory: ObjCBool = false
        #expect(
            FileManager.default.fileExists(
                atPath: folder.appendingPathComponent("checkpoints").path,
                isDirectory: &isDirectory) && isDirectory.boolValue)
    }
}
