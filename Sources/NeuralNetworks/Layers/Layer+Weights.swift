import Checksums
import Foundation
import Tensors

// The weights of a layer tree as a whole: counts, snapshots, safetensors files, and the
// structure identity that checkpoints and the training cache are keyed by.

extension Layer {
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
        namedWeights.map {
            NamedArray(
                name: $0.key, shape: $0.weight.parameter.shape,
                values: $0.weight.parameter.value.scalars)
        }
    }

    /// Sets weights from named arrays; every key the model has must be present with its
    /// shape, and no other key — otherwise one error lists every difference and nothing changes.
    public func loadWeights(_ arrays: [NamedArray], source: String) throws {
        let weights = namedWeights
        try checkWeightsMatch(
            expected: weights.map { ($0.key, $0.weight.parameter.shape) }, found: arrays,
            source: source)
        let byName = Dictionary(arrays.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (key, w) in weights {
            let a = byName[key]!
            w.parameter.value = Tensor(shape: a.shape, scalars: a.values)
        }
    }

    /// Writes the weights (no optimizer state) as safetensors.
    public func saveWeights(to url: URL) throws {
        try SafeTensors.write(
            weightsSnapshot(),
            metadata: ["format": "emotive-weights-1", "model": structureIdentity], to: url)
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
        let weights = namedWeights.map {
            "\($0.key)\($0.weight.parameter.shape)\($0.weight.parameter.isTrainable ? "" : "*")"
        }
        .joined(separator: ",")
        return SHA256.hex(layers + "#" + weights)
    }
}
