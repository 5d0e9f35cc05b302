import Checksums
import Foundation
import Tensors

/// Samples per chunk when `predict(_:)` is given a larger batch.
let predictionChunk = 64

extension Layer {
    /// Creates every weight for inputs of `inputShape` (without the batch axis) from `seed`:
    /// each weight is drawn from its own stream keyed by its name, so the same seed gives
    /// the same weights whatever else the program does.
    public func build(inputShape: [Int], seed: UInt64 = 0) {
        BuildSeed.$value.withValue(seed) {
            withoutGradients { _ = self(Tensor(zeros: [1] + inputShape)) }
        }
        (self as? BaseLayer)?.builtInputShape = inputShape
    }

    /// Inference on a batch, recording no gradients (BN uses moving statistics, no dropout).
    /// A batch larger than `predictionChunk` (64) runs in chunks of that many samples: the
    /// same results (each sample is computed on its own), with activations small enough to
    /// stay in the heap instead of fresh pages (measured: page faults and zeroing were a
    /// fifth of MobileNetV2's inference at batch 256).
    public func predict(_ x: Tensor) -> Tensor {
        guard x.rank >= 1, x.shape[0] > predictionChunk else { return withoutGradients { self(x) } }
        return predict(x, batchSize: predictionChunk)
    }

    /// Inference in batches of `batchSize`, concatenated.
    public func predict(_ x: Tensor, batchSize: Int) -> Tensor {
        let n = x.shape[0]
        guard n > batchSize else { return withoutGradients { self(x) } }
        var parts: [Tensor] = []
        var i = 0
        while i < n {
            parts.append(predict(x.slice(i..<min(n, i + batchSize))))
            i += batchSize
        }
        return concat(parts, alongAxis: 0)
    }

    /// Counts of all, trainable and non-trainable parameters (BN moving statistics and
    /// frozen layers' weights are non-trainable, as in Keras).
    public var parameterCounts: (total: Int, trainable: Int, nonTrainable: Int) {
        var total = 0, trainable = 0
        for (_, w) in namedWeights {
            let n = w.parameter.shape.reduce(1, *)
            total += n
            if w.parameter.isTrainable { trainable += n }
        }
        return (total, trainable, total - trainable)
    }

    /// A copy of every weight and state, keyed `<layer>.<variable>`.
    public func weightsSnapshot() -> [NamedArray] {
        namedWeights.map { NamedArray(name: $0.key, shape: $0.weight.parameter.shape, values: $0.weight.parameter.value.scalars) }
    }

    /// Sets weights from named arrays; every key the model has must be present with its
    /// shape, and no other key — otherwise one error lists every difference and nothing changes.
    public func loadWeights(_ arrays: [NamedArray], source: String) throws {
        let weights = namedWeights
        try checkWeightsMatch(expected: weights.map { ($0.key, $0.weight.parameter.shape) }, found: arrays, source: source)
        let byName = Dictionary(arrays.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (key, w) in weights {
            let a = byName[key]!
            w.parameter.value = Tensor(shape: a.shape, scalars: a.values)
        }
    }

    /// Writes the weights (no optimizer state) as safetensors.
    public func saveWeights(to url: URL) throws {
        try SafeTensors.write(weightsSnapshot(), metadata: ["format": "emotive-weights-1", "model": structureIdentity], to: url)
    }

    /// Loads weights written by ``saveWeights(to:)`` or from a checkpoint.
    public func loadWeights(from url: URL) throws {
        let (arrays, _) = try SafeTensors.read(url)
        try loadWeights(arrays.filter { !$0.name.hasPrefix("optimizer/") }, source: url.path)
    }

    /// Names, classes and configurations of every layer, and every weight's shape: two
    /// models with equal identities compute the same function of their weights.
    public var structureIdentity: String {
        let layers = allLayers.map { "\($0.name)=\($0.configuration)" }.joined(separator: "|")
        let weights = namedWeights.map { "\($0.key)\($0.weight.parameter.shape)\($0.weight.parameter.isTrainable ? "" : "*")" }
            .joined(separator: ",")
        return SHA256.hex(layers + "#" + weights)
    }
}

/// What `model.summary(inputShape:)` returns: Keras' `model.summary()` as values.
public struct ModelSummary: Sendable, CustomStringConvertible {
    public struct Row: Sendable {
        public let name: String
        public let kind: String
        /// Without the batch axis, as Keras prints it after `None`.
        public let outputShape: [Int]
        public let parameters: Int
    }

    public let modelName: String
    public let rows: [Row]
    public let total: Int
    public let trainable: Int
    public let nonTrainable: Int

    /// A plain-text table in Keras' layout: layer (type), output shape, param #, then totals.
    public var description: String {
        func grouped(_ n: Int) -> String {
            let s = String(n)
            var out = ""
            for (i, c) in s.reversed().enumerated() {
                if i > 0 && i % 3 == 0 { out.append(",") }
                out.append(c)
            }
            return String(out.reversed())
        }
        func bytes(_ n: Int) -> String {
            let b = Double(n * 4)
            if b < 1024 { return String(format: "%.2f B", b) }
            if b < 1024 * 1024 { return String(format: "%.2f KB", b / 1024) }
            return String(format: "%.2f MB", b / 1024 / 1024)
        }
        let col1 = max(28, rows.map { $0.name.count + $0.kind.count + 3 }.max() ?? 0)
        let shapes = rows.map { "(None, " + $0.outputShape.map(String.init).joined(separator: ", ") + ")" }
        let col2 = max(22, shapes.map(\.count).max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        func lpad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        let rule = String(repeating: "─", count: col1 + col2 + 16)
        var out = "Model: \"\(modelName)\"\n\(rule)\n"
        out += pad("Layer (type)", col1) + " " + pad("Output Shape", col2) + " " + lpad("Param #", 13) + "\n\(rule)\n"
        for (r, s) in zip(rows, shapes) {
            out += pad("\(r.name) (\(r.kind))", col1) + " " + pad(s, col2) + " " + lpad(grouped(r.parameters), 13) + "\n"
        }
        out += "\(rule)\n"
        out += " Total params: \(grouped(total)) (\(bytes(total)))\n"
        out += " Trainable params: \(grouped(trainable)) (\(bytes(trainable)))\n"
        out += " Non-trainable params: \(grouped(nonTrainable)) (\(bytes(nonTrainable)))\n"
        return out
    }
}

extension Layer {
    /// Keras' `model.summary()`: one row per layer that computes something (containers are
    /// expanded into their layers, as Keras lists a functional model's layers), its output
    /// shape for inputs of `inputShape`, its parameter count, and the totals.
    public func summary(inputShape: [Int]) -> ModelSummary {
        let trace = LayerTrace()
        LayerTrace.$current.withValue(trace) {
            withoutGradients { _ = self(Tensor(zeros: [1] + inputShape)) }
        }
        var rows: [ModelSummary.Row] = []
        func visit(_ l: Layer) {
            let leaf = l.sublayers.isEmpty || l is CBAM
            if leaf {
                let n = l.allLayers.flatMap(\.ownWeights).reduce(0) { $0 + $1.parameter.shape.reduce(1, *) }
                rows.append(.init(name: l.name, kind: l.kerasClass,
                                  outputShape: Array((trace.shapes[ObjectIdentifier(l)] ?? []).dropFirst()), parameters: n))
            } else {
                l.sublayers.forEach(visit)
                if l is Residual {
                    rows.append(.init(name: l.name, kind: "Add",
                                      outputShape: Array((trace.shapes[ObjectIdentifier(l)] ?? []).dropFirst()), parameters: 0))
                }
            }
        }
        visit(self)
        let c = parameterCounts
        return ModelSummary(modelName: name, rows: rows, total: c.total, trainable: c.trainable, nonTrainable: c.nonTrainable)
    }
}
