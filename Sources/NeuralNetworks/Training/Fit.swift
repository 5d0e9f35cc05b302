import Foundation
import MessagePassing
import Preconditions
import Tensors

/// Gradients of one step, after backward and before the optimizer: the seam where a
/// data-parallel run would all-reduce (average across ranks) or a user would clip.
public typealias GradientHook = (_ gradients: inout [(key: String, gradient: Tensor)]) -> Void

/// Loss and accuracy over a data set (Keras `model.evaluate`).
public struct Evaluation: Sendable, Codable, Equatable {
    public var loss: Double
    public var accuracy: Double
    /// Predicted class of each sample, in data order.
    public var predictions: [Int]
    public var labels: [Int]
}

/// The optimizer's scalars that a checkpoint keeps beside its tensors, as JSON
/// (`{"configuration":…,"iterations":…,"learning_rate":…}`). Fields a checkpoint lacks
/// read as nil, so older and hand-made checkpoints still load.
struct OptimizerInfo: Codable, Equatable {
    var configuration: String?
    var iterations: Int?
    var learningRate: Double?

    enum CodingKeys: String, CodingKey {
        case configuration, iterations
        case learningRate = "learning_rate"
    }

    init(_ optimizer: Optimizer) {
        configuration = optimizer.configuration
        iterations = optimizer.iterations
        learningRate = optimizer.learningRate
    }

    init(json: String) {
        self =
            (try? JSONDecoder().decode(OptimizerInfo.self, from: Data(json.utf8)))
            ?? OptimizerInfo(configuration: nil, iterations: nil, learningRate: nil)
    }

    init(configuration: String?, iterations: Int?, learningRate: Double?) {
        (self.configuration, self.iterations, self.learningRate) = (
            configuration, iterations, learningRate
        )
    }

    var json: String {
        String(decoding: (try? JSONEncoder.sorted.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// What stays fixed through one `fit` call: the data, the objective and how a step is taken.
struct FitPlan {
    let train: any BatchSource
    let validation: (any BatchSource)?
    let batchSize: Int
    let steps: Int
    let optimizer: Optimizer
    let loss: Loss
    /// The weight of each class, nil without class weights (no sample weights at all).
    let classWeights: [Float]?
    let callbacks: [TrainingCallback]
    let seed: UInt64
    let shuffle: Bool
    let gradientHook: GradientHook?
    let bar: ProgressBar
    let parallel: DataParallel
    /// Sums the gradients across ranks (nil with one rank).
    let buckets: GradientBuckets?
}

/// The running state of one `fit` call, as callbacks see it.
final class FitSession: TrainingControl {
    let model: Layer
    let optimizer: Optimizer
    var stopTraining = false
    var history: History
    var learningRate: Double {
        get { optimizer.learningRate }
        set { optimizer.learningRate = newValue }
    }

    init(model: Layer, optimizer: Optimizer, history: History) {
        self.model = model
        self.optimizer = optimizer
        self.history = history
    }

    func weightsSnapshot() -> [NamedArray] { model.weightsSnapshot() }
    func restoreWeights(_ s: [NamedArray]) throws {
        try model.loadWeights(s, source: "weights snapshot")
    }
    func noteRestored(epoch: Int) { history.restoredEpoch = epoch }
    var modelName: String { model.name }

    func checkpoint() -> Checkpoint {
        Checkpoint(
            weights: model.weightsSnapshot(), optimizerState: optimizer.state,
            epoch: history.epochs.count,
            history: history, modelIdentity: model.structureIdentity,
            optimizerInfo: OptimizerInfo(optimizer).json)
    }

    /// Puts back what `checkpoint()` saved (weights, optimizer state and learning rate,
    /// history); returns the epoch to continue at.
    func restore(from checkpoint: Checkpoint, source: String) throws -> Int {
        try model.loadWeights(checkpoint.weights, source: source)
        let info = OptimizerInfo(json: checkpoint.optimizerInfo)
        try optimizer.loadState(checkpoint.optimizerState, iterations: info.iterations ?? 0)
        if let lr = info.learningRate { optimizer.learningRate = lr }
        history = checkpoint.history
        return checkpoint.epoch
    }

    func saveCheckpoint(to url: URL) throws { try checkpoint().write(to: url) }
}

extension Layer {
    /// Trains the model with Keras' `fit` semantics and returns the per-epoch history.
    ///
    /// ```swift
    /// let history = try model.fit(train, validation: test, epochs: 30, batchSize: 32,
    ///                             optimizer: Adam(learningRate: 1e-5), classWeights: .balanced,
    ///                             callbacks: [EarlyStopping(monitor: .valLoss, patience: 5,
    ///                                                       restoreBestWeights: true)])
    /// history[.valAccuracy]
    /// ```
    /// - One `seed` fixes the weights (if the model is not built yet), the shuffling and
    ///   every dropout mask; the same seed and thread count give the same numbers.
    /// - Class weights multiply each sample's loss (training only; `val_loss` is unweighted).
    /// - A NaN or infinite loss stops training with a message naming the epoch and batch;
    ///   that step is not applied, so the model keeps the last good weights.
    /// - `resumeFrom` continues from a checkpoint written by ``ModelCheckpoint`` (weights,
    ///   optimizer state, epoch, history): the run ends with the same weights as an
    ///   uninterrupted one with the same seed. Callbacks start afresh.
    /// - With a training cache (`cache`, by default ``TrainingCache/shared``, which a
    ///   notebook's runtime points at the runner's cache), a finished run is stored
    ///   under a key of everything above (see ``TrainingCache``) and loaded instead of
    ///   retrained next time. While it trains, every finished epoch is checkpointed under
    ///   that key (with the callbacks' ``TrainingCallback/resumeState()``): a run killed
    ///   mid-training resumes at its last finished epoch, says so on stderr, and ends with
    ///   the same weights and history (up to `epoch_seconds`) as an uninterrupted one. Closures (schedules, hooks) cannot be hashed: give them
    ///   identities, or pass `cacheKey` to name what they do.
    /// - Started on several ranks (`emotive render --ranks N`, see ``DataParallel``), each
    ///   global batch is split across the ranks and their gradients summed; only rank 0
    ///   reads and writes the training cache and sends what it found to the others; the
    ///   callbacks' decisions (stop, learning rate) are rank 0's.
    @discardableResult
    public func fit(
        _ train: any BatchSource, validation: (any BatchSource)? = nil, epochs: Int,
        batchSize: Int = 32,
        optimizer: Optimizer, loss: Loss = .categoricalCrossEntropy,
        classWeights: ClassWeights = .none,
        callbacks: [TrainingCallback] = [], seed: UInt64 = 0, shuffle: Bool = true,
        resumeFrom: URL? = nil, gradientHook: GradientHook? = nil,
        progress: ProgressStyle = .automatic, cacheKey: String? = nil,
        cache: TrainingCache? = TrainingCache.shared,
        parallel: DataParallel = .automatic
    ) throws -> History {
        guard epochs >= 1 else {
            throw TrainingError("fit: epochs must be at least 1, got \(epochs)")
        }
        guard batchSize >= 1 else {
            throw TrainingError("fit: batchSize must be at least 1, got \(batchSize)")
        }
        guard train.count > 0 else { throw TrainingError("fit: the training data is empty") }
        if let validation, validation.count == 0 {
            throw TrainingError("fit: the validation data is empty")
        }

        // Build (if needed) from the first batch's shape, and find the class count.
        var probe = train.batches(epoch: 0, batchSize: 1, shuffle: false, seed: seed)
            .makeIterator()
        guard let first = probe.next() else {
            throw TrainingError("fit: the training data gave no batch")
        }
        let inputShape = Array(first.images.shape.dropFirst())
        if (self as? BaseLayer)?.builtInputShape == nil && namedWeights.isEmpty {
            build(inputShape: inputShape, seed: seed)
        }
        let communicator = parallel.communicator
        if parallel.isActive { broadcastWeights(communicator) }
        let classCount = predict(first.images).shape.last ?? 0
        try checkLabels(train.labels, classCount: classCount, what: "training")
        if let validation {
            try checkLabels(validation.labels, classCount: classCount, what: "validation")
        }
        let weights = try classWeights.resolve(labels: train.labels, classCount: classCount).map(
            Float.init)

        // The training cache.
        let bar = ProgressBar(style: progress, epochs: epochs)
        // With several ranks only rank 0 keeps a cache; the others get copies of its files.
        var cache = parallel.isActive && !communicator.isRoot ? nil : cache
        let unhashable =
            allLayers.contains { $0.configuration.contains(unhashableIdentity) }
            || callbacks.contains { $0.identity.contains(unhashableIdentity) }
            || gradientHook != nil
        if cache != nil && unhashable && cacheKey == nil {
            cache = nil
            logToStderr(
                "training cache not used: a closure (Lambda, LearningRateScheduler or gradient hook) has no "
                    + "identity; give it one, or pass cacheKey: to fit")
        }
        // The training cache's key: hashing every weight costs tens of milliseconds for
        // ResNet50, so only when there is a cache to look in.
        let key =
            cache == nil && !parallel.isActive
            ? ""
            : TrainingCache.key(
                [
                    "model=\(structureIdentity)",
                    "initial=\(namedWeights.map { fnv64($0.weight.parameter.value.scalars) })",
                    "optimizer=\(optimizer.configuration)", "loss=\(loss.identity)",
                    "classWeights=\(weights)",
                    "callbacks=\(callbacks.map(\.identity).joined(separator: ","))",
                    "train=\(train.identity)",
                    "validation=\(validation?.identity ?? "-")", "epochs=\(epochs)",
                    "batch=\(batchSize)", "seed=\(seed)",
                    "shuffle=\(shuffle)", "resume=\(resumeFrom?.path ?? "-")",
                    "hook=\(gradientHook == nil ? "-" : "custom")",
                    "user=\(cacheKey ?? "-")",
                ] + (parallel.isActive ? ["parallel=\(parallel.identity)"] : []))
        // Rank 0's copies of the cache's files, for the other ranks to read.
        let mirror =
            parallel.isActive && !communicator.isRoot
            ? TrainingCache(
                directory: FileManager.default.temporaryDirectory
                    .appendingPathComponent("emotive-rank\(communicator.rank)-\(getpid())"))
            : nil
        defer { if let mirror { try? FileManager.default.removeItem(at: mirror.directory) } }
        var entry = cache?.load(key: key, model: self)
        if parallel.isActive,
            communicator.shareFile(
                entry == nil ? nil : cache?.url(for: key),
                to: mirror?.url(for: key) ?? URL(fileURLWithPath: "/dev/null")),
            let mirror
        {
            entry = mirror.load(key: key, model: self)
        }
        if let entry {
            try loadWeights(entry.weights, source: "training cache")
            try optimizer.loadState(entry.optimizerState, iterations: entry.iterations)
            optimizer.learningRate = entry.learningRate
            logToStderr("training loaded from cache (key \(key.prefix(16)))")
            // left if a run was killed between storing and cleaning up
            cache?.removePartial(key: key)
            return entry.history
        }

        let session = FitSession(model: self, optimizer: optimizer, history: History())
        var startEpoch = 0
        if let resumeFrom {
            var source = resumeFrom
            if parallel.isActive, let mirror {  // rank 0's file, wherever the others run
                source = mirror.directory.appendingPathComponent("resume.safetensors")
                _ = communicator.shareFile(nil, to: source)
            } else if parallel.isActive {
                _ = communicator.shareFile(resumeFrom, to: resumeFrom)
            }
            let ck = try Checkpoint.read(source)
            guard ck.modelIdentity == structureIdentity else {
                throw WeightFileError(
                    "\(resumeFrom.path) is a checkpoint of another model (structure differs); nothing was loaded"
                )
            }
            startEpoch = try session.restore(from: ck, source: resumeFrom.path)
        }
        // An earlier run of this same training that was interrupted: carry on from its last epoch.
        var interrupted: TrainingCache.Partial?
        var partial =
            resumeFrom == nil ? cache?.loadPartial(key: key, callbackCount: callbacks.count) : nil
        if parallel.isActive, resumeFrom == nil,
            communicator.shareFile(
                partial == nil ? nil : cache?.partialURL(for: key),
                to: mirror?.partialURL(for: key) ?? URL(fileURLWithPath: "/dev/null")),
            let mirror
        {
            partial = mirror.loadPartial(key: key, callbackCount: callbacks.count)
        }
        if let partial, partial.checkpoint.modelIdentity == structureIdentity,
            partial.checkpoint.epoch <= epochs
        {
            startEpoch = try session.restore(
                from: partial.checkpoint,
                source: (cache ?? mirror)?.partialURL(for: key).path ?? "rank 0's checkpoint")
            interrupted = partial
            logToStderr(
                "resuming training from the checkpoint of epoch \(startEpoch) of \(epochs) (key \(key.prefix(16)))"
            )
        }

        let plan = FitPlan(
            train: train, validation: validation, batchSize: batchSize,
            steps: train.stepCount(batchSize: batchSize), optimizer: optimizer, loss: loss,
            classWeights: classWeights == .none ? nil : weights, callbacks: callbacks, seed: seed,
            shuffle: shuffle, gradientHook: gradientHook, bar: bar, parallel: parallel,
            buckets: parallel.isActive
                ? GradientBuckets(communicator: communicator, bucketBytes: parallel.bucketBytes)
                : nil)
        for c in callbacks { try c.onTrainBegin(training: session) }
        if let interrupted {
            for (c, state) in zip(callbacks, interrupted.callbacks) {
                if let state { try c.restoreResumeState(state) }
            }
            session.stopTraining = interrupted.stopped
        }
        for epoch in startEpoch..<epochs where !session.stopTraining {
            guard try runEpoch(epoch, plan, session) else { break }
            // The epoch checkpoint a killed run resumes from, on disk before the epoch's line is shown.
            if let cache {
                cache.storePartial(
                    key: key,
                    TrainingCache.Partial(
                        checkpoint: session.checkpoint(),
                        callbacks: callbacks.map { $0.resumeState() },
                        stopped: session.stopTraining))
            }
            bar.endEpoch(epoch, logs: session.history.epochs[session.history.epochs.count - 1])
            if session.stopTraining { break }
        }
        for c in callbacks { try c.onTrainEnd(training: session) }
        if let cache, session.history.stopReason.map({ !$0.hasPrefix("loss became") }) ?? true {
            cache.store(
                key: key, checkpoint: session.checkpoint(), learningRate: optimizer.learningRate,
                iterations: optimizer.iterations)
            cache.removePartial(key: key)
        }
        return session.history
    }

    /// One epoch: every batch's step, then validation and the callbacks' epoch end. The
    /// epoch's logs end up last in `session.history`. False when a loss that is not
    /// finite stopped training (the history's `stopReason` says where).
    func runEpoch(_ epoch: Int, _ plan: FitPlan, _ session: FitSession) throws -> Bool {
        for c in plan.callbacks { try c.onEpochBegin(epoch, training: session) }
        plan.bar.beginEpoch(epoch)
        let started = Date()
        // walked once per epoch
        let weightList = namedWeights.map { ($0.key, $0.weight.parameter) }
        var lossSum = 0.0, correct = 0, seen = 0
        // With several ranks, each prepares only its rows of every batch.
        let batches =
            plan.parallel.isActive
            ? plan.train.batches(
                epoch: epoch, batchSize: plan.batchSize, shuffle: plan.shuffle, seed: plan.seed,
                rows: plan.parallel.trainingRows)
            : plan.train.batches(
                epoch: epoch, batchSize: plan.batchSize, shuffle: plan.shuffle, seed: plan.seed)
        for (b, batch) in batches.enumerated() {
            let (value, applied) = trainStep(batch, step: epoch * plan.steps + b, plan, weightList)
            guard let batchCorrect = applied else {
                let reason =
                    "loss became \(value) at epoch \(epoch + 1), batch \(b + 1) of \(plan.steps); "
                    + "training stopped and the weights are those after the previous step"
                session.history.stopReason = reason
                logToStderr("\n" + reason)
                return false
            }
            lossSum += Double(value) * Double(batch.wholeCount)
            correct += batchCorrect
            seen += batch.wholeCount
            let batchLogs = [
                "loss": lossSum / Double(seen), "accuracy": Double(correct) / Double(seen),
            ]
            plan.bar.step(
                b + 1, of: plan.steps,
                metrics: [("loss", batchLogs["loss"]!), ("accuracy", batchLogs["accuracy"]!)])
            for c in plan.callbacks { try c.onBatchEnd(b, logs: batchLogs, training: session) }
        }
        // Per-rank batch-norm statistics drift apart: rank 0's hold for everyone (as DDP's
        // buffer broadcast), so validation and what follows see one model. The weights the
        // optimizer updates are not sent: they are the same on every rank by construction.
        if plan.parallel.isActive && plan.parallel.batchNorm == .perRank {
            broadcastWeights(plan.parallel.communicator, stateOnly: true)
        }
        var logs = EpochLogs(epoch: epoch)
        logs[.loss] = lossSum / Double(max(seen, 1))
        logs[.accuracy] = Double(correct) / Double(max(seen, 1))
        if let validation = plan.validation {
            let e = try evaluate(
                validation, batchSize: plan.batchSize, loss: plan.loss, parallel: plan.parallel)
            logs[.valLoss] = e.loss
            logs[.valAccuracy] = e.accuracy
        }
        logs[.learningRate] = plan.optimizer.learningRate
        logs[.seconds] = Date().timeIntervalSince(started)
        let communicator = plan.parallel.communicator
        // rank 0's, seconds included
        if plan.parallel.isActive { logs = communicator.broadcast(logs) }
        // The epoch counts as completed for callbacks (a checkpoint written now resumes
        // at the next epoch); callbacks may still add to its logs.
        session.history.epochs.append(logs)
        for c in plan.callbacks {
            try c.onEpochEnd(epoch, logs: &logs, training: session)
            session.history.epochs[session.history.epochs.count - 1] = logs
        }
        if plan.parallel.isActive {  // the callbacks' decisions are rank 0's
            var decision = [session.stopTraining ? 1 : 0, plan.optimizer.learningRate]
            communicator.broadcast(&decision)
            session.stopTraining = decision[0] == 1
            plan.optimizer.learningRate = decision[1]
            session.history.epochs[session.history.epochs.count - 1] = communicator.broadcast(logs)
        }
        if session.stopTraining && session.history.stopReason == nil {
            session.history.stopReason = "stopped by a callback after epoch \(epoch + 1)"
        }
        return true
    }

    /// One optimizer step on `batch` (forward, loss, backward, the gradient hook, the
    /// update, the batch-norm statistics): the batch's mean loss and how many of its samples
    /// were classified right. When the loss is not finite, nothing is applied, the gradients
    /// are cleared and `correct` is nil.
    ///
    /// With several ranks, this rank takes its shard of the batch; the loss and count are
    /// those of the whole batch (summed across ranks), and so are the gradients, which the
    /// buckets sum while backward runs.
    func trainStep(
        _ batch: Batch, step: Int, _ plan: FitPlan,
        _ weightList: [(String, Parameter)]
    ) -> (loss: Float, correct: Int?) {
        let parallel = plan.parallel, communicator = parallel.communicator
        let (images, labels) = (batch.images, batch.labels)
        // With several ranks the batch holds this rank's rows of the whole batch; dropout
        // draws the same rows of one process's mask.
        var rows: Range<Int>? = nil
        if parallel.isActive {
            let share = parallel.trainingRows(of: batch.wholeCount)
            check(
                share.count == labels.count,
                "fit: the training data gave \(labels.count) rows of a batch of "
                    + "\(batch.wholeCount) where this rank takes \(share) (a BatchSource's "
                    + "batches(epoch:batchSize:shuffle:seed:rows:) must return exactly those rows)")
            rows = share
        }
        let sampleWeights = plan.classWeights.map { weights in labels.map { weights[$0] } }
        var (value, correct) = (Float.nan, 0)
        func forwardAndBackward() -> TrainingPass {
            TrainingPass.run(seed: plan.seed, step: step, rows: rows, commit: false) { pass in
                let (logits, probabilities) = outputs(images)
                let l = plan.loss.value(
                    logits: logits, probabilities: probabilities, labels: labels,
                    sampleWeights: sampleWeights)
                value = l.scalar
                correct = zip((logits ?? probabilities!).argmaxLastAxis(), labels).count {
                    $0 == $1
                }
                if let buckets = plan.buckets {
                    // The whole batch's loss and count, and one decision whether to step.
                    // `processed` is the batch's size, or ranks × it when every rank took the
                    // whole of a batch smaller than the rank count.
                    var sums = [
                        Double(value) * Double(labels.count), Double(correct),
                        Double(labels.count),
                    ]
                    communicator.allreduceSum(&sums)
                    let processed = sums[2], ranks = Double(communicator.size)
                    value = Float(sums[0] / processed)
                    correct = Int((sums[1] * Double(batch.wholeCount) / processed).rounded())
                    guard value.isFinite else { return pass }
                    // Every rank's loss is scaled so that its output gradients are `ranks` ×
                    // those of the whole batch's mean loss, whatever its share: synchronized
                    // batch norm sums them across ranks in its backward, so they must share
                    // one scale (1 with equal shares). The sum of the parameter gradients
                    // then takes 1/ranks of each rank's.
                    let factor = Float(Double(labels.count) * ranks / processed)
                    buckets.begin(scale: Float(1 / ranks))
                    let objective = factor == 1 ? l : l * factor
                    BackwardObservation.$observer.withValue(buckets) { objective.backward() }
                    let waited = buckets.waitSeconds
                    buckets.finish()
                    if let statistics = parallel.statistics {
                        statistics.steps += 1
                        statistics.waitSeconds += buckets.waitSeconds - waited
                        statistics.gradientBytes = buckets.bytes
                    }
                } else if value.isFinite {
                    l.backward()
                }
                return pass
            }
        }
        let pass =
            parallel.isActive && parallel.batchNorm == .synchronized
            ? CrossReplica.$reducer.withValue(communicator) { forwardAndBackward() }
            : forwardAndBackward()
        guard value.isFinite else {
            for p in trainableParameters { p.zeroGradient() }
            return (value, nil)
        }
        var grads: [(key: String, gradient: Tensor)] = []
        var params: [String: Parameter] = [:]
        for (k, p) in weightList where p.isTrainable {
            if let g = p.gradient { grads.append((k, g)); params[k] = p }
            p.zeroGradient()
        }
        plan.gradientHook?(&grads)
        plan.optimizer.apply(grads.map { ($0.key, params[$0.key]!, $0.gradient) })
        pass.commit()
        return (value, correct)
    }

    /// `fit` on arrays in memory (Keras `fit(x, y, validation_data=(x_val, y_val))`).
    @discardableResult
    public func fit(
        images: Tensor, labels: [Int], validation: (images: Tensor, labels: [Int])? = nil,
        epochs: Int,
        batchSize: Int = 32, optimizer: Optimizer, loss: Loss = .categoricalCrossEntropy,
        classWeights: ClassWeights = .none, callbacks: [TrainingCallback] = [], seed: UInt64 = 0,
        progress: ProgressStyle = .automatic, cacheKey: String? = nil,
        cache: TrainingCache? = TrainingCache.shared
    ) throws -> History {
        guard images.shape.first == labels.count else {
            throw TrainingError(
                "fit: \(labels.count) labels for \(images.shape.first ?? 0) images (shape \(images.shape))"
            )
        }
        if let v = validation, v.images.shape.first != v.labels.count {
            throw TrainingError(
                "fit: \(v.labels.count) validation labels for \(v.images.shape.first ?? 0) images")
        }
        return try fit(
            TensorDataset(images: images, labels: labels),
            validation: validation.map { TensorDataset(images: $0.images, labels: $0.labels) },
            epochs: epochs, batchSize: batchSize, optimizer: optimizer, loss: loss,
            classWeights: classWeights,
            callbacks: callbacks, seed: seed, progress: progress, cacheKey: cacheKey, cache: cache)
    }

    /// Loss (unweighted) and accuracy over a data set, in inference mode without gradients.
    /// With several ranks each rank evaluates its share of the batches and every rank gets
    /// the whole result.
    public func evaluate(
        _ data: any BatchSource, batchSize: Int = 32, loss: Loss = .categoricalCrossEntropy,
        parallel: DataParallel = .automatic
    ) throws -> Evaluation {
        guard data.count > 0 else { throw TrainingError("evaluate: the data is empty") }
        var lossSum = 0.0, predictions: [Int] = [], labels: [Int] = []
        try withoutGradients {
            for batch in parallel.evaluationBatches(of: data, batchSize: batchSize) {
                let (logits, probabilities) = outputs(batch.images)
                let k = (logits ?? probabilities!).shape.last!
                try checkLabels(batch.labels, classCount: k, what: "evaluation")
                let l = loss.value(
                    logits: logits, probabilities: probabilities, labels: batch.labels)
                lossSum += Double(l.scalar) * Double(batch.labels.count)
                predictions += (logits ?? probabilities!).argmaxLastAxis()
                labels += batch.labels
            }
        }
        if parallel.isActive {  // every rank's share, in data order
            let first = parallel.firstSample(holding: labels.count)
            var all = [Double](repeating: 0, count: 2 * data.count + 1)
            for i in predictions.indices {
                all[first + i] = Double(predictions[i])
                all[data.count + first + i] = Double(labels[i])
            }
            all[2 * data.count] = lossSum
            parallel.communicator.allreduceSum(&all)
            predictions = all[0..<data.count].map { Int($0) }
            labels = all[data.count..<(2 * data.count)].map { Int($0) }
            lossSum = all[2 * data.count]
        }
        let correct = zip(predictions, labels).count { $0 == $1 }
        return Evaluation(
            loss: lossSum / Double(labels.count), accuracy: Double(correct) / Double(labels.count),
            predictions: predictions, labels: labels)
    }

    /// Predicted probabilities for every sample of a data set, in data order, `[N, K]`. With
    /// several ranks each rank predicts its share of the batches and every rank gets all.
    public func predict(
        _ data: any BatchSource, batchSize: Int = 32, parallel: DataParallel = .automatic
    ) -> Tensor {
        guard parallel.isActive else {
            let parts = data.batches(epoch: 0, batchSize: batchSize, shuffle: false, seed: 0).map {
                predict($0.images)
            }
            return concat(Array(parts), alongAxis: 0)
        }
        var parts: [Tensor] = [], count = 0
        for batch in parallel.evaluationBatches(of: data, batchSize: batchSize) {
            parts.append(predict(batch.images))
            count += batch.labels.count
        }
        let first = parallel.firstSample(holding: count)
        // Zeros elsewhere, so the sum is every rank's rows exactly.
        var classes = [Double(parts.first?.shape.last ?? 0), parts.isEmpty ? 0 : 1]
        parallel.communicator.allreduceSum(&classes)  // ranks with no batch learn K too
        let k = Int(classes[0] / max(1, classes[1]))
        var all = [Float](repeating: 0, count: data.count * k)
        if !parts.isEmpty {
            let mineRows = concat(parts, alongAxis: 0).scalars
            for i in mineRows.indices { all[first * k + i] = mineRows[i] }
        }
        parallel.communicator.allreduceSum(&all)
        return Tensor(shape: [data.count, k], scalars: all)
    }

    /// Logits when the model ends in a softmax (Keras computes the loss from them), else the outputs.
    func outputs(_ x: Tensor) -> (logits: Tensor?, probabilities: Tensor?) {
        if let s = self as? Sequential, let z = s.logits(x) { return (z, nil) }
        return (nil, self(x))
    }
}

/// One line on standard error, whatever the progress style (the CLI shows these).
func logToStderr(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

func checkLabels(_ labels: [Int], classCount: Int, what: String) throws {
    if let i = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
        throw TrainingError(
            "\(what) label \(labels[i]) at sample \(i) is outside 0..<\(classCount) (the model has \(classCount) outputs)"
        )
    }
}

extension Evaluation {
    /// The confusion matrix of these predictions (rows = true classes).
    public func confusionMatrix(classCount: Int) throws -> ConfusionMatrix {
        try ConfusionMatrix(truth: labels, predicted: predictions, classCount: classCount)
    }

    /// scikit-learn's classification report of these predictions.
    public func classificationReport(classNames: [String]) throws -> ClassificationReport {
        try ClassificationReport(truth: labels, predicted: predictions, classNames: classNames)
    }
}
