import Foundation
import Testing
import Tensors
@testable import NeuralNetworks

/// 64 8x8 images in 4 classes: class c lights quadrant c, plus seeded noise.
func quadrantData(count: Int = 64, seed: UInt64 = 5) -> TensorDataset {
    var g = RandomGenerator(seed: seed)
    var pixels: [Float] = []
    var labels: [Int] = []
    for i in 0..<count {
        let c = i % 4
        labels.append(c)
        for y in 0..<8 {
            for x in 0..<8 {
                let lit = (y < 4) == (c < 2) && (x < 4) == (c % 2 == 0)
                pixels.append((lit ? 1 : 0) + 0.3 * (g.nextUniform() - 0.5))
            }
        }
    }
    return TensorDataset(images: Tensor(shape: [count, 8, 8, 1], scalars: pixels), labels: labels)
}

func smallCNN(seed: UInt64 = 1, dropout: Float = 0) -> Sequential {
    let m = Sequential {
        Conv2D(8, kernel: 3, padding: .same); BatchNorm(); ReLU()
        MaxPool2D(2)
        Flatten()
        if dropout > 0 { Dropout(dropout) }
        Dense(4, activation: .softmax)
    }
    m.build(inputShape: [8, 8, 1], seed: seed)
    return m
}

@Suite("fit trains with Keras semantics")
struct TrainingTests {
    @Test("a batch source's rows of each batch are those rows of its whole batches")
    func rowsOfBatchesAreSlicesOfWholeBatches() {
        let data = quadrantData(count: 70)
        let whole = Array(data.batches(epoch: 3, batchSize: 16, shuffle: true, seed: 9))
        let rows: @Sendable (Int, Int) -> Range<Int> = { b, n in b == 2 ? 0..<0 : (n / 2)..<n }
        let mine = Array(
            data.batches(epoch: 3, batchSize: 16, shuffle: true, seed: 9, rows: rows))
        #expect(whole.map(\.labels.count) == [16, 16, 16, 16, 6])
        #expect(mine.map(\.labels.count) == [8, 8, 8, 3])
        for (batch, from) in zip(mine, whole.enumerated().filter { $0.offset != 2 }.map(\.element))
        {
            let range = (from.labels.count / 2)..<from.labels.count
            #expect(batch.wholeCount == from.labels.count)
            #expect(batch.labels == Array(from.labels[range]))
            #expect(batch.images.scalars == from.images.slice(range).scalars)
        }
    }

    @Test("a small CNN fits 64 samples to 100% training accuracy")
    func fitsSmallData() throws {
        let data = quadrantData()
        let model = smallCNN()
        let history = try model.fit(
            data, epochs: 15, batchSize: 16, optimizer: Adam(learningRate: 0.01),
            seed: 3, progress: .silent, cache: nil)
        #expect(history.epochs.count == 15)
        let e = try model.evaluate(data)
        #expect(e.accuracy == 1.0)
        #expect(
            try e.confusionMatrix(classCount: 4).counts
                == (0..<4).map { c in (0..<4).map { $0 == c ? 16 : 0 } })
        #expect(try e.classificationReport(classNames: ["a", "b", "c", "d"]).macroAverage.f1 == 1)
        #expect(try topKAccuracy(truth: data.labels, scores: model.predict(data), k: 1) == 1)
        #expect(history[.loss].last! < history[.loss].first!)
        #expect(
            history[.learningRate].allSatisfy { $0 == 0.01 }
                && history[.seconds].allSatisfy { $0 >= 0 })
    }

    @Test("the class-weighted loss is Σ w[y]·CE / batch size, computed by hand")
    func classWeightedLoss() {
        let logits = Tensor(shape: [3, 3], scalars: [2, 1, 0, 0.5, 0.5, 3, -1, 2, 1])
        let labels = [0, 2, 1]
        let w: [Float] = [9.4, 0.57, 1.2]
        var expected = 0.0
        for i in 0..<3 {
            let z = (0..<3).map { Double(logits[i, $0]) }
            let lse = log(z.map(exp).reduce(0, +))
            expected += Double(w[labels[i]]) * (lse - z[labels[i]])
        }
        expected /= 3
        let value = Loss.categoricalCrossEntropy.value(
            logits: logits, probabilities: nil, labels: labels,
            sampleWeights: labels.map { w[$0] })
        #expect(abs(Double(value.scalar) - expected) < 1e-5)
        // From probabilities (no logits) the same value up to the clipping.
        let fromP = Loss.categoricalCrossEntropy.value(
            logits: nil, probabilities: softmax(logits), labels: labels,
            sampleWeights: labels.map { w[$0] })
        #expect(abs(Double(fromP.scalar) - expected) < 1e-4)
    }

    @Test("label smoothing and focal loss follow Keras' formulas")
    func smoothingAndFocal() {
        let logits = Tensor(shape: [1, 2], scalars: [1, 0])
        let p1 = 1 / (1 + exp(-1.0)), p0 = 1 - p1
        let smoothed = Loss.categoricalCrossEntropy(labelSmoothing: 0.2).value(
            logits: logits, probabilities: nil, labels: [0])
        #expect(abs(Double(smoothed.scalar) - (-(0.9 * log(p1) + 0.1 * log(p0)))) < 1e-5)
        let focal = Loss.focal(gamma: 2, alpha: 0.25).value(
            logits: logits, probabilities: nil, labels: [0])
        #expect(abs(Double(focal.scalar) - (-0.25 * pow(1 - p1, 2) * log(p1))) < 1e-5)
    }

    @Test("fit reports the class-weighted training loss of its first step")
    func fitUsesClassWeights() throws {
        let data = quadrantData(count: 8)
        let model = smallCNN()
        let expected = Loss.categoricalCrossEntropy.value(
            logits: model.logits(data.images), probabilities: nil,
            labels: data.labels, sampleWeights: data.labels.map { [2, 1, 1, 1][$0] }
        ).scalar
        let h = try model.fit(
            data, epochs: 1, batchSize: 8, optimizer: SGD(learningRate: 0),
            classWeights: .explicit([2, 1, 1, 1]),
            shuffle: false, progress: .silent, cache: nil)
        // BatchNorm uses batch statistics while training, so compare with a training pass.
        let trained = TrainingPass.run(seed: 0, step: 0, commit: false) { _ in
            Loss.categoricalCrossEntropy.value(
                logits: model.logits(data.images), probabilities: nil, labels: data.labels,
                sampleWeights: data.labels.map { [2, 1, 1, 1][$0] }
            ).scalar
        }
        #expect(abs(h[.loss][0] - Double(trained)) < 1e-5)
        #expect(expected.isFinite)
    }

    @Test("a NaN loss stops training naming epoch and batch, keeping the last good weights")
    func nanLoss() throws {
        let clean = quadrantData(count: 16)
        var scalars = clean.images.scalars + clean.images.scalars
        scalars[16 * 64 + 5] = .nan
        let poisoned = TensorDataset(
            images: Tensor(shape: [32, 8, 8, 1], scalars: scalars),
            labels: clean.labels + clean.labels)
        let a = smallCNN(), b = smallCNN()
        let h = try a.fit(
            poisoned, epochs: 3, batchSize: 16, optimizer: Adam(), shuffle: false,
            progress: .silent, cache: nil)
        #expect(h.stopReason?.contains("epoch 1, batch 2") == true)
        #expect(h.epochs.isEmpty)
        try b.fit(
            clean, epochs: 1, batchSize: 16, optimizer: Adam(), shuffle: false, progress: .silent,
            cache: nil)
        #expect(a.weightsSnapshot() == b.weightsSnapshot())
    }

    @Test(
        "an interrupted run resumed from its checkpoint ends with the uninterrupted run's weights")
    func resume() throws {
        let dir = try temporaryDirectory()
        let data = quadrantData(count: 32)
        let full = smallCNN(dropout: 0.3)
        try full.fit(
            data, epochs: 4, batchSize: 8, optimizer: Adam(learningRate: 0.01), seed: 9,
            progress: .silent,
            cache: nil)
        let first = smallCNN(dropout: 0.3)
        let ck = ModelCheckpoint(path: dir.appendingPathComponent("ck-{epoch}.safetensors").path)
        try first.fit(
            data, epochs: 2, batchSize: 8, optimizer: Adam(learningRate: 0.01), callbacks: [ck],
            seed: 9,
            progress: .silent, cache: nil)
        // other initial weights: all come from the checkpoint
        let resumed = smallCNN(seed: 77, dropout: 0.3)
        let h = try resumed.fit(
            data, epochs: 4, batchSize: 8, optimizer: Adam(learningRate: 0.01), seed: 9,
            resumeFrom: dir.appendingPathComponent("ck-2.safetensors"), progress: .silent,
            cache: nil)
        #expect(h.epochs.count == 4)
        #expect(resumed.weightsSnapshot() == full.weightsSnapshot())
    }

    @Test("a checkpoint of another model is refused and nothing is loaded")
    func otherModelCheckpoint() throws {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("other.safetensors")
        let other = Sequential {
            Flatten(); Dense(4, activation: .softmax)
        }
        other.build(inputShape: [8, 8, 1])
        try other.fit(
            quadrantData(count: 8), epochs: 1, batchSize: 8, optimizer: Adam(),
            callbacks: [ModelCheckpoint(path: url.path)], progress: .silent, cache: nil)
        let model = smallCNN()
        let before = model.weightsSnapshot()
        #expect {
            try model.fit(
                quadrantData(count: 8), epochs: 2, optimizer: Adam(), resumeFrom: url,
                progress: .silent, cache: nil)
        } throws: { "\($0)".contains("another model") }
        #expect(model.weightsSnapshot() == before)
        #expect { try model.loadWeights(from: url) } throws: { "\($0)".contains("missing") }
    }

    @Test("labels outside the class count and empty data are refused before training")
    func badInput() {
        let model = smallCNN()
        let bad = TensorDataset(images: Tensor(zeros: [2, 8, 8, 1]), labels: [0, 4])
        #expect {
            try model.fit(bad, epochs: 1, optimizer: Adam(), progress: .silent, cache: nil)
        } throws: {
            "\($0)" == "training label 4 at sample 1 is outside 0..<4 (the model has 4 outputs)"
        }
        let empty = TensorDataset(images: Tensor(zeros: [0, 8, 8, 1]), labels: [])
        #expect(throws: TrainingError("fit: the training data is empty")) {
            try model.fit(empty, epochs: 1, optimizer: Adam(), progress: .silent, cache: nil)
        }
    }

    @Test("the gradient hook sees every trainable gradient before the optimizer step")
    func gradientHook() throws {
        let model = smallCNN()
        var seen: [String] = []
        try model.fit(
            quadrantData(count: 8), epochs: 1, batchSize: 8, optimizer: Adam(),
            gradientHook: { grads in
                seen = grads.map(\.key)
                grads = grads.map { ($0.key, $0.gradient * 0) }  // zero them: nothing should change
            }, progress: .silent, cache: nil)
        #expect(Set(seen) == Set(model.namedWeights.filter { !$0.weight.isState }.map(\.key)))
    }

    @Test("a second identical fit loads from the training cache; a corrupted entry is retrained")
    func trainingCache() throws {
        let dir = try temporaryDirectory()
        let cache = TrainingCache(directory: dir)
        let data = quadrantData(count: 16)
        let a = smallCNN()
        let h1 = try a.fit(
            data, epochs: 2, batchSize: 8, optimizer: Adam(), progress: .silent, cache: cache)
        let b = smallCNN()
        let h2 = try b.fit(
            data, epochs: 2, batchSize: 8, optimizer: Adam(), progress: .silent, cache: cache)
        #expect(h1 == h2 && a.weightsSnapshot() == b.weightsSnapshot())
        let files = try FileManager.default.contentsOfDirectory(
            at: dir, includingPropertiesForKeys: nil)
        #expect(files.count == 1)
        var bytes = try Data(contentsOf: files[0])
        bytes[bytes.count - 3] ^= 0xFF
        try bytes.write(to: files[0])
        let c = smallCNN()
        let h3 = try c.fit(
            data, epochs: 2, batchSize: 8, optimizer: Adam(), progress: .silent, cache: cache)
        #expect(h3[.loss] == h1[.loss])
        let d = smallCNN()
        let h4 = try d.fit(
            data, epochs: 3, batchSize: 8, optimizer: Adam(), progress: .silent, cache: cache)
        #expect(h4.epochs.count == 3)
    }
}

@Suite("Optimizers follow Keras' update rules")
struct OptimizerTests {
    @Test("Adam's first two steps equal Keras' formula with ε 1e-7")
    func adam() {
        let adam = Adam(learningRate: 0.1)
        var w: [Float] = [1, -2]
        var m = [0.0, 0.0], v = [0.0, 0.0], expected = [1.0, -2.0]
        for (t, g) in [[0.5, -1.0], [0.2, 0.3]].enumerated() {
            adam.beginStep()
            adam.update("w", value: &w, gradient: g.map(Float.init))
            let alpha =
                0.1 * (1 - pow(0.999, Double(t + 1))).squareRoot() / (1 - pow(0.9, Double(t + 1)))
            for i in 0..<2 {
                m[i] += (g[i] - m[i]) * 0.1
                v[i] += (g[i] * g[i] - v[i]) * 0.001
                expected[i] -= alpha * m[i] / (v[i].squareRoot() + 1e-7)
            }
        }
        // Float32 arithmetic as Keras (1 − β₂ rounds to 0.000999987 in Float32).
        #expect(abs(Double(w[0]) - expected[0]) < 1e-5, "\(w[0]) vs \(expected[0])")
        #expect(abs(Double(w[1]) - expected[1]) < 1e-5, "\(w[1]) vs \(expected[1])")
        #expect(adam.iterations == 2 && adam.state.map(\.name) == ["m/w", "v/w"])
    }

    @Test("AdamW decays weights by θ·wd·lr before the Adam step")
    func adamW() {
        let opt = AdamW(learningRate: 0.1, weightDecay: 0.5)
        var w: [Float] = [2]
        opt.beginStep()
        opt.update("w", value: &w, gradient: [0])
        #expect(abs(w[0] - 1.9) < 1e-6)
    }

    @Test("SGD with Nesterov momentum: m = μm − lr·g, θ += μm − lr·g")
    func sgd() {
        let opt = SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)
        var w: [Float] = [1]
        opt.beginStep(); opt.update("w", value: &w, gradient: [1])  // m = −0.1; θ = 1 − 0.09 − 0.1
        #expect(abs(w[0] - 0.81) < 1e-6)
        opt.beginStep(); opt.update("w", value: &w, gradient: [1])  // m = −0.19; θ −= 0.171 + 0.1
        #expect(abs(w[0] - 0.539) < 1e-6)
        let plain = SGD(learningRate: 0.5)
        var p: [Float] = [1]
        plain.update("p", value: &p, gradient: [1])
        #expect(p == [0.5])
    }

    @Test("optimizer state round-trips through loadState")
    func state() throws {
        let a = Adam()
        var w: [Float] = [1, 2, 3]
        a.beginStep(); a.update("k", value: &w, gradient: [1, 1, 1])
        let b = Adam()
        try b.loadState(a.state, iterations: a.iterations)
        var w1 = w, w2 = w
        a.beginStep(); a.update("k", value: &w1, gradient: [0.5, 0, -1])
        b.beginStep(); b.update("k", value: &w2, gradient: [0.5, 0, -1])
        #expect(w1 == w2)
    }
}

@Suite("Callbacks inside a real fit")
struct FitCallbackTests {
    @Test(
        "EarlyStopping restores the best val_loss epoch, which is the one ModelCheckpoint(save_best_only) wrote last"
    )
    func earlyStoppingWithCheckpoint() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("best.safetensors")
        let train = quadrantData(count: 32, seed: 1), validation = quadrantData(count: 16, seed: 2)
        let model = smallCNN(dropout: 0.2)
        let es = EarlyStopping(monitor: .valLoss, patience: 2, restoreBestWeights: true)
        let ck = ModelCheckpoint(path: path.path, monitor: .valLoss, saveBestOnly: true)
        // A large learning rate makes val_loss bounce, so the best epoch is not the last.
        let h = try model.fit(
            train, validation: validation, epochs: 12, batchSize: 8,
            optimizer: SGD(learningRate: 0.9),
            callbacks: [ck, es], seed: 4, progress: .silent, cache: nil)
        let losses = h[.valLoss]
        let best = losses.indices.min { losses[$0] < losses[$1] }!
        #expect(best < h.epochs.count - 1, "the best epoch should not be the last: \(losses)")
        #expect(h.restoredEpoch == best)
        #expect(ck.saved.last?.epoch == best)
        // stops patience epochs after the best
        if h.epochs.count < 12 { #expect(h.epochs.count == best + 3) }
        let saved = try Checkpoint.read(path)
        #expect(saved.weights == model.weightsSnapshot())
        #expect(saved.epoch == best + 1)
    }

    @Test("fit(images:labels:) trains on plain arrays and rejects mismatched counts")
    func arrays() throws {
        let d = quadrantData(count: 16)
        let model = smallCNN()
        let h = try model.fit(
            images: d.images, labels: d.labels, validation: (d.images, d.labels), epochs: 2,
            batchSize: 8, optimizer: Adam(), progress: .silent, cache: nil)
        #expect(h[.valAccuracy].count == 2)
        #expect(throws: TrainingError.self) {
            try model.fit(
                images: d.images, labels: [0], epochs: 1, optimizer: Adam(), progress: .silent,
                cache: nil)
        }
    }

    @Test("an unnamed schedule closure turns the training cache off unless a cacheKey names it")
    func unnamedClosure() throws {
        let dir = try temporaryDirectory()
        let cache = TrainingCache(directory: dir)
        let model = smallCNN()
        try model.fit(
            quadrantData(count: 8), epochs: 1, batchSize: 8, optimizer: Adam(),
            callbacks: [LearningRateScheduler { _, lr in lr / 2 }], progress: .silent, cache: cache)
        let written = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        #expect(written.isEmpty)
        try model.fit(
            quadrantData(count: 8), epochs: 1, batchSize: 8, optimizer: Adam(),
            callbacks: [LearningRateScheduler { _, lr in lr / 2 }], progress: .silent,
            cacheKey: "halve", cache: cache)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).count == 1)
    }
}

@Suite("Progress, determinism and the scheduler in fit")
struct FitBehaviourTests {
    @Test(
        "off a terminal the progress is one line per epoch; on one a bar with steps, elapsed, ETA and metrics"
    )
    func progressLines() {
        var text = ""
        let quiet = ProgressBar(style: .perEpoch, epochs: 2) { text += $0 }
        quiet.beginEpoch(0)
        quiet.step(1, of: 2, metrics: [("loss", 1.5)])
        quiet.endEpoch(
            0,
            logs: EpochLogs(
                epoch: 0,
                values: ["loss": 1.25, "accuracy": 0.5, "learning_rate": 0.001, "epoch_seconds": 2])
        )
        #expect(
            text == "Epoch 1/2 - 2.0s - loss: 1.2500 - accuracy: 0.5000 - lr: 0.001 - ETA 0:02\n")
        text = ""
        let bar = ProgressBar(style: .bar, epochs: 2) { text += $0 }
        bar.beginEpoch(1)
        bar.step(3, of: 3, metrics: [("loss", 0.75)])
        #expect(
            text.hasPrefix(
                "Epoch 2/2\n\r3/3 [========================] 0:00 ETA 0:00 - loss: 0.7500"))
    }

    @Test(
        "the ETA covers the epoch and the whole fit, from the step rate and then from finished epochs"
    )
    func etas() {
        var now = 0.0
        var text = ""
        let bar = ProgressBar(style: .bar, epochs: 10, sink: { text += $0 }, now: { now })
        bar.beginEpoch(0)
        now = 30
        // 3 s a step: 90 s left in this epoch, 9 epochs of 120 s after it
        bar.step(10, of: 40, metrics: [])
        #expect(
            text.contains("10/40 [") && text.contains("0:30 ETA 1:30 (fit 19:30) - "), "\(text)")
        now = 130
        bar.step(40, of: 40, metrics: [])
        // validation: 20 s
        bar.endEpoch(0, logs: EpochLogs(epoch: 0, values: ["loss": 1, "epoch_seconds": 150]))
        #expect(text.hasSuffix("Epoch 1/10 - 150.0s - loss: 1.0000 - ETA 22:30\n"), "\(text)")
        text = ""
        bar.beginEpoch(1)
        now += 60
        bar.step(20, of: 40, metrics: [])  // 60 s left here, then 8 epochs of 150 s
        #expect(text.contains("1:00 ETA 1:00 (fit 21:00)"), "\(text)")

        // Off a terminal: one early line when the first epoch is long, then ETAs on epoch lines.
        var log = ""
        now = 0
        let quiet = ProgressBar(
            style: .perEpoch, epochs: 30, earlyEstimateAfter: 30, sink: { log += $0 }, now: { now })
        quiet.beginEpoch(0)
        now = 20
        quiet.step(4, of: 900, metrics: [])
        #expect(log.isEmpty)
        now = 36
        quiet.step(8, of: 900, metrics: [])
        quiet.step(9, of: 900, metrics: [])
        #expect(
            log == "Epoch 1/30: 8/900 steps in 0:36; this epoch's training about 1:07:30, "
                + "the whole fit about 33:45:00 (validation not yet included)\n", "\(log)")
    }

    @Test("the same seed gives the same weights and history, dropout and shuffling included")
    func determinism() throws {
        let data = quadrantData(count: 24)
        func run() throws -> ([NamedArray], [Double]) {
            let m = smallCNN(seed: 5, dropout: 0.5)
            let h = try m.fit(
                data, epochs: 2, batchSize: 8, optimizer: Adam(), seed: 11, progress: .silent,
                cache: nil)
            return (m.weightsSnapshot(), h[.loss])
        }
        let (w1, l1) = try run(), (w2, l2) = try run()
        #expect(w1 == w2 && l1 == l2)
    }

    @Test(
        "a LearningRateScheduler sets each epoch's rate before its first step, as logged in the history"
    )
    func schedulerInFit() throws {
        let model = smallCNN()
        let h = try model.fit(
            quadrantData(count: 8), epochs: 3, batchSize: 8, optimizer: SGD(learningRate: 0.1),
            callbacks: [LearningRateScheduler(.step(initial: 0.1, factor: 0.5, every: 1))],
            progress: .silent, cache: nil)
        #expect(h[.learningRate] == [0.1, 0.05, 0.025])
    }

    @Test("zeroed gradients in the hook leave every trainable weight unchanged")
    func hookControlsTheStep() throws {
        let model = smallCNN()
        let before = model.weightsSnapshot().filter { !$0.name.contains("moving") }
        try model.fit(
            quadrantData(count: 8), epochs: 1, batchSize: 8, optimizer: Adam(),
            gradientHook: { grads in grads = grads.map { ($0.key, $0.gradient * 0) } },
            progress: .silent, cache: nil)
        #expect(model.weightsSnapshot().filter { !$0.name.contains("moving") } == before)
    }
}

/// A user-written callback: records batches, halves the rate each epoch, stops after two epochs.
final class HalveAndStop: TrainingCallback {
    var batches = 0
    func onBatchEnd(_ batch: Int, logs: [String: Double], training: TrainingControl) throws {
        batches += 1
    }
    func onEpochEnd(_ epoch: Int, logs: inout EpochLogs, training: TrainingControl) throws {
        logs["custom"] = Double(epoch) * 10
        training.learningRate /= 2
        if epoch == 1 { training.stopTraining = true }
    }
}

@Suite("User-written callbacks")
struct UserCallbackTests {
    @Test("a user callback sees every batch, adds to the logs, changes the rate and stops training")
    func userCallback() throws {
        let cb = HalveAndStop()
        let h = try smallCNN().fit(
            quadrantData(count: 16), epochs: 5, batchSize: 4, optimizer: SGD(learningRate: 0.1),
            callbacks: [cb], progress: .silent, cache: nil)
        #expect(h.epochs.count == 2 && cb.batches == 8)
        #expect(h[Metric("custom")] == [0, 10])
        #expect(h[.learningRate] == [0.1, 0.05])  // logged before the callback halves it
        #expect(h.stopReason == "stopped by a callback after epoch 2")
    }
}
