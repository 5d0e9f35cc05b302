import Foundation
import Testing
import Tensors
@testable import NeuralNetworks

/// Stands in for a kill: throws at the start of one epoch (same identity whether it
/// throws or not, so the interrupted and the resumed runs share a training-cache key).
final class Interrupt: TrainingCallback {
    let atEpoch: Int?
    init(atEpoch: Int?) { self.atEpoch = atEpoch }
    var identity: String { "Interrupt" }
    func onEpochBegin(_ epoch: Int, training: TrainingControl) throws {
        if epoch == atEpoch { throw TrainingError("interrupted at epoch \(epoch + 1)") }
    }
}

@Suite("An interrupted fit resumes from its last epoch")
struct InterruptedTrainingTests {
    /// Six epochs with a decaying rate, dropout, EarlyStopping that restores its best epoch
    /// (epoch 0: it monitors the falling learning rate with mode max, so its best weights and
    /// wait come from before the interruption) and a ModelCheckpoint with saveBestOnly.
    func train(cache: TrainingCache, interruptAt: Int?, checkpoints: URL) throws
        -> (
            history: History, weights: [NamedArray], stopping: EarlyStopping, saver: ModelCheckpoint
        )
    {
        let model = smallCNN(dropout: 0.3)
        let stopping = EarlyStopping(
            monitor: .learningRate, mode: .max, patience: 100, restoreBestWeights: true)
        let saver = ModelCheckpoint(
            path: checkpoints.appendingPathComponent("best-{epoch}.safetensors").path,
            monitor: .valLoss, saveBestOnly: true)
        let callbacks: [TrainingCallback] = [
            LearningRateScheduler(.exponential(initial: 0.01, rate: 0.8)), stopping, saver,
            Interrupt(atEpoch: interruptAt),
        ]
        let history = try model.fit(
            quadrantData(count: 32), validation: quadrantData(count: 16, seed: 8), epochs: 6,
            batchSize: 8, optimizer: Adam(), callbacks: callbacks, seed: 9, progress: .silent,
            cache: cache)
        return (history, model.weightsSnapshot(), stopping, saver)
    }

    func withoutSeconds(_ h: History) -> History {
        var h = h
        for i in h.epochs.indices { h.epochs[i][.seconds] = nil }
        return h
    }

    @Test(
        "a run stopped at epoch 4 resumes there and ends bit-identical to an uninterrupted run, callbacks included"
    )
    func resumesBitIdentical() throws {
        let dir = try temporaryDirectory()
        let reference = try train(
            cache: TrainingCache(directory: dir.appendingPathComponent("a")), interruptAt: nil,
            checkpoints: dir.appendingPathComponent("ck-a"))
        #expect(
            reference.history.restoredEpoch == 0,
            "the test needs EarlyStopping's best epoch before the interruption")

        let cache = TrainingCache(directory: dir.appendingPathComponent("b"))
        #expect(throws: TrainingError("interrupted at epoch 4")) {
            _ = try train(
                cache: cache, interruptAt: 3, checkpoints: dir.appendingPathComponent("ck-b"))
        }
        let partials = try FileManager.default.contentsOfDirectory(atPath: cache.directory.path)
        #expect(partials.count == 1 && partials[0].hasSuffix(".partial.safetensors"))
        let partial = try Checkpoint.read(cache.directory.appendingPathComponent(partials[0]))
        #expect(partial.epoch == 3, "any Checkpoint reader opens the partial entry")

        let resumed = try train(
            cache: cache, interruptAt: nil, checkpoints: dir.appendingPathComponent("ck-b"))
        #expect(resumed.weights == reference.weights)
        #expect(withoutSeconds(resumed.history) == withoutSeconds(reference.history))
        #expect(
            resumed.stopping.wait == reference.stopping.wait
                && resumed.stopping.best == reference.stopping.best)
        #expect(resumed.stopping.bestEpoch == reference.stopping.bestEpoch)
        #expect(resumed.saver.best == reference.saver.best)
        #expect(resumed.saver.saved.map(\.epoch) == reference.saver.saved.map(\.epoch))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: cache.directory.path).map {
                $0.hasSuffix(".partial.safetensors")
            }
                == [false], "the finished entry replaces the partial one")
    }

    @Test("a damaged partial checkpoint is ignored and training starts over with the same result")
    func damagedPartialIsIgnored() throws {
        let dir = try temporaryDirectory()
        let cache = TrainingCache(directory: dir.appendingPathComponent("c"))
        #expect(throws: TrainingError("interrupted at epoch 3")) {
            _ = try train(cache: cache, interruptAt: 2, checkpoints: dir)
        }
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: cache.directory.path).first)
        let url = cache.directory.appendingPathComponent(name)
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count - 5] ^= 0x40
        try bytes.write(to: url)
        #expect(cache.loadPartial(key: String(name.prefix(64)), callbackCount: 4) == nil)
        let again = try train(cache: cache, interruptAt: nil, checkpoints: dir)
        let reference = try train(
            cache: TrainingCache(directory: dir.appendingPathComponent("d")), interruptAt: nil,
            checkpoints: dir)
        #expect(again.weights == reference.weights)
    }

    @Test("a run a callback stopped early is not continued on resume")
    func stoppedRunStaysStopped() throws {
        let dir = try temporaryDirectory()
        let cache = TrainingCache(directory: dir)
        final class StopThenCrash: TrainingCallback {
            let crash: Bool
            init(crash: Bool) { self.crash = crash }
            var identity: String { "StopThenCrash" }
            func onEpochEnd(_ epoch: Int, logs: inout EpochLogs, training: TrainingControl) throws {
                if epoch == 1 { training.stopTraining = true }
            }
            func onTrainEnd(training: TrainingControl) throws {
                if crash { throw TrainingError("killed before the finished entry was stored") }
            }
        }
        let data = quadrantData(count: 16)
        #expect(throws: TrainingError("killed before the finished entry was stored")) {
            try smallCNN().fit(
                data, epochs: 5, batchSize: 8, optimizer: Adam(),
                callbacks: [StopThenCrash(crash: true)],
                progress: .silent, cache: cache)
        }
        let h = try smallCNN().fit(
            data, epochs: 5, batchSize: 8, optimizer: Adam(),
            callbacks: [StopThenCrash(crash: false)],
            progress: .silent, cache: cache)
        #expect(h.epochs.count == 2)
        #expect(h.stopReason == "stopped by a callback after epoch 2")
    }
}
