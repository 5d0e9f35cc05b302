import Foundation

/// Stores trained weights and history so that re-running a notebook loads training
/// instead of repeating it (DESIGN, "Two caches").
///
/// Directory: `$EMOTIVE_CACHE_DIR/training/` (no cache when the variable is unset).
/// Key: SHA-256 of the model structure (layer names, configurations, weight shapes and
/// trainable flags), the initial weights, the optimizer and loss configuration, the
/// class weights, the callbacks' identities (a schedule's `identity`), the data
/// identities (fingerprint + augmentation), epochs, batch size, seed, and the caller's
/// `cacheKey`. An entry is a checkpoint file written atomically, with a SHA-256 of its
/// contents in its metadata; an entry that fails the check is ignored (and retrained).
public struct TrainingCache: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    public static func fromEnvironment() -> TrainingCache? {
        guard let dir = ProcessInfo.processInfo.environment["EMOTIVE_CACHE_DIR"], !dir.isEmpty else { return nil }
        return TrainingCache(directory: URL(fileURLWithPath: dir).appendingPathComponent("training"))
    }

    static func key(_ parts: [String]) -> String { sha256Hex(parts.joined(separator: "\n")) }

    struct Entry {
        let weights: [NamedArray]
        let optimizerState: [NamedArray]
        let history: History
        let learningRate: Double
        let iterations: Int
    }

    func url(for key: String) -> URL { directory.appendingPathComponent(key + ".safetensors") }

    static func checksum(_ arrays: [NamedArray], _ history: String) -> String {
        var h = SHA256Hasher()
        for a in arrays {
            h.update(a.name + "\(a.shape)")
            a.values.withUnsafeBytes { h.update(bytes: $0) }
        }
        h.update(history)
        return h.finalizeHex()
    }

    func store(key: String, checkpoint: Checkpoint, learningRate: Double, iterations: Int) {
        let history = (try? String(decoding: JSONEncoder.sorted.encode(checkpoint.history), as: UTF8.self)) ?? "{}"
        let optimizer = checkpoint.optimizerState.map { NamedArray(name: "optimizer/" + $0.name, shape: $0.shape, values: $0.values) }
        let arrays = checkpoint.weights + optimizer
        let metadata = ["format": "emotive-training-cache-1", "key": key, "history": history,
                        "learning_rate": String(learningRate), "iterations": String(iterations),
                        "checksum": Self.checksum(arrays, history)]
        do { try SafeTensors.write(arrays, metadata: metadata, to: url(for: key)) } catch {
            FileHandle.standardError.write(Data("training cache: could not store \(key.prefix(16)) (\(error))\n".utf8))
        }
    }

    func load(key: String, model: Layer) -> Entry? {
        let u = url(for: key)
        guard FileManager.default.fileExists(atPath: u.path) else { return nil }
        guard let (arrays, metadata) = try? SafeTensors.read(u), metadata["key"] == key,
              let history = metadata["history"], metadata["checksum"] == Self.checksum(arrays, history),
              let h = try? JSONDecoder().decode(History.self, from: Data(history.utf8)),
              let lr = metadata["learning_rate"].flatMap(Double.init), let it = metadata["iterations"].flatMap(Int.init)
        else {
            FileHandle.standardError.write(Data("training cache: entry \(key.prefix(16)) failed its check; retraining\n".utf8))
            return nil
        }
        let weights = arrays.filter { !$0.name.hasPrefix("optimizer/") }
        let optimizer = arrays.filter { $0.name.hasPrefix("optimizer/") }
            .map { NamedArray(name: String($0.name.dropFirst("optimizer/".count)), shape: $0.shape, values: $0.values) }
        return Entry(weights: weights, optimizerState: optimizer, history: h, learningRate: lr, iterations: it)
    }
}
