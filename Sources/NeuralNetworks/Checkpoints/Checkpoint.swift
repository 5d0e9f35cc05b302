import Foundation

/// A training checkpoint: model weights and state, optimizer state, epoch and history,
/// in one safetensors file.
///
/// Layout: model tensors under their parameter keys (`block_1_expand_BN.moving_mean`),
/// optimizer tensors under `optimizer/<slot>/<key>` (e.g. `optimizer/m/Conv1.kernel`);
/// `__metadata__` holds `format` = `emotive-checkpoint-1`, `epoch` (completed epochs),
/// `model` (the model's structure identity), `optimizer` (its configuration and step,
/// JSON) and `history` (JSON of ``History``). Any safetensors reader can open the weights.
public struct Checkpoint: Sendable, Equatable {
    public static let format = "emotive-checkpoint-1"

    public var weights: [NamedArray]
    public var optimizerState: [NamedArray]
    /// Epochs completed when the checkpoint was written.
    public var epoch: Int
    public var history: History
    /// Identifies the model structure; loading into a different structure is refused.
    public var modelIdentity: String
    /// Optimizer configuration and step count, JSON.
    public var optimizerInfo: String

    public init(
        weights: [NamedArray], optimizerState: [NamedArray] = [], epoch: Int, history: History,
        modelIdentity: String, optimizerInfo: String = "{}"
    ) {
        self.weights = weights
        self.optimizerState = optimizerState
        self.epoch = epoch
        self.history = history
        self.modelIdentity = modelIdentity
        self.optimizerInfo = optimizerInfo
    }

    public func write(to url: URL) throws {
        let historyJSON = String(decoding: try JSONEncoder.sorted.encode(history), as: UTF8.self)
        let metadata = [
            "format": Self.format, "epoch": String(epoch), "model": modelIdentity,
            "optimizer": optimizerInfo, "history": historyJSON,
        ]
        let optimizer = optimizerState.map {
            NamedArray(name: "optimizer/" + $0.name, shape: $0.shape, values: $0.values)
        }
        try SafeTensors.write(weights + optimizer, metadata: metadata, to: url)
    }

    public static func read(_ url: URL) throws -> Checkpoint {
        let (arrays, metadata) = try SafeTensors.read(url)
        guard metadata["format"] == format else {
            throw WeightFileError(
                "\(url.path): not an Emotive checkpoint (metadata format is \(metadata["format"].map { "'\($0)'" } ?? "missing"), expected '\(format)')"
            )
        }
        guard let epoch = metadata["epoch"].flatMap(Int.init),
            let historyText = metadata["history"],
            let history = try? JSONDecoder().decode(History.self, from: Data(historyText.utf8))
        else {
            throw WeightFileError("\(url.path): checkpoint metadata is missing epoch or history")
        }
        let weights = arrays.filter { !$0.name.hasPrefix("optimizer/") }
        let optimizer = arrays.filter { $0.name.hasPrefix("optimizer/") }
            .map {
                NamedArray(
                    name: String($0.name.dropFirst("optimizer/".count)), shape: $0.shape,
                    values: $0.values)
            }
        return Checkpoint(
            weights: weights, optimizerState: optimizer, epoch: epoch, history: history,
            modelIdentity: metadata["model"] ?? "", optimizerInfo: metadata["optimizer"] ?? "{}")
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}

/// Compares weights found in a file with those a model expects, and reports every
/// difference at once: missing keys, unexpected keys, and shape mismatches.
public func checkWeightsMatch(
    expected: [(name: String, shape: [Int])], found: [NamedArray], source: String
) throws {
    let foundByName = Dictionary(found.map { ($0.name, $0.shape) }, uniquingKeysWith: { a, _ in a })
    let expectedNames = Set(expected.map(\.name))
    var problems: [String] = []
    // The first dozen of each kind: a whole model's worth of names would bury the point.
    func list(_ items: [String], _ separator: String) -> String {
        items.prefix(12).joined(separator: separator)
            + (items.count > 12 ? "\(separator)… and \(items.count - 12) more" : "")
    }
    let missing = expected.filter { foundByName[$0.name] == nil }.map(\.name)
    if !missing.isEmpty { problems.append("missing \(missing.count): " + list(missing, ", ")) }
    let extra = found.map(\.name).filter { !expectedNames.contains($0) }
    if !extra.isEmpty { problems.append("unexpected \(extra.count): " + list(extra, ", ")) }
    let misshaped = expected.compactMap { e -> String? in
        guard let s = foundByName[e.name], s != e.shape else { return nil }
        return "\(e.name) is \(s) in the file, the model needs \(e.shape)"
    }
    if !misshaped.isEmpty {
        problems.append("mis-shaped \(misshaped.count): " + list(misshaped, "; "))
    }
    if !problems.isEmpty {
        throw WeightFileError(
            "\(source) does not fit this model (is it another model's file?):\n  "
                + problems.joined(separator: "\n  "))
    }
}
