import Checksums
import Foundation

/// Stores trained weights and history so that re-running a notebook loads training
/// instead of repeating it (DESIGN, "Two caches").
///
/// Where: `fit`'s `cache:` argument, by default ``shared``, which is nil unless the program
/// sets it; a notebook's runtime (NotebookKit) sets it to the runner's cache,
/// `$EMOTIVE_CACHE_DIR/training/`.
/// Key: SHA-256 of the model structure (layer names, configurations, weight shapes and
/// trainable flags), the initial weights, the optimizer and loss configuration, the
/// class weights, the callbacks' identities (a schedule's `identity`), the data
/// identities (fingerprint + augmentation), epochs, batch size, seed, and the caller's
/// `cacheKey`. An entry is a checkpoint file written atomically, with a SHA-256 of its
/// contents in its metadata; an entry that fails the check is ignored (and retrained).
///
/// While a run trains, `<key>.partial.safetensors` holds its last finished epoch: a
/// ``Checkpoint`` (weights, optimizer state, epoch, history, in `emotive-checkpoint-1`
/// layout) plus the callbacks' resume state (`callback/<i>/<name>` arrays and a
/// `callbacks` JSON entry), whether a callback had stopped training, the key and a
/// SHA-256. A run killed mid-training resumes from it; it is removed once the finished
/// entry is stored. A partial entry that fails its check is ignored with a message.
public struct TrainingCache: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// The cache `fit` uses when it is not given one. Nil (no cache) until the program sets
    /// it, as the notebook runtime does at start.
    nonisolated(unsafe) public static var shared: TrainingCache?

    static func key(_ parts: [String]) -> String { SHA256.hex(parts.joined(separator: "\n")) }

    struct Entry {
        let weights: [NamedArray]
        let optimizerState: [NamedArray]
        let history: History
        let learningRate: Double
        let iterations: Int
    }

    func url(for key: String) -> URL { directory.appendingPathComponent(key + ".safetensors") }

    static func checksum(_ arrays: [NamedArray], _ history: String) -> String {
        var h = SHA256()
        for a in arrays {
            h.update(a.name + "\(a.shape)")
            a.values.withUnsafeBytes { h.update(bytes: $0) }
        }
        h.update(history)
        return h.finalizeHex()
    }

    func store(key: String, checkpoint: Checkpoint, learningRate: Double, iterations: Int) {
        let history =
            (try? String(decoding: JSONEncoder.sorted.encode(checkpoint.history), as: UTF8.self))
            ?? "{}"
        let optimizer = checkpoint.optimizerState.map {
            NamedArray(name: "optimizer/" + $0.name, shape: $0.shape, values: $0.values)
        }
        let arrays = checkpoint.weights + optimizer
        let metadata = [
            "format": "emotive-training-cache-1", "key": key, "history": history,
            "learning_rate": String(learningRate), "iterations": String(iterations),
            "checksum": Self.checksum(arrays, history),
        ]
        do { try SafeTensors.write(arrays, metadata: metadata, to: url(for: key)) } catch {
            FileHandle.standardError.write(
                Data("training cache: could not store \(key.prefix(16)) (\(error))\n".utf8))
        }
    }

    func partialURL(for key: String) -> URL {
        directory.appendingPathComponent(key + ".partial.safetensors")
    }

    /// A run's last finished epoch, for resuming after an interruption.
    struct Partial {
        var checkpoint: Checkpoint
        /// One per callback, in order (`nil`: it keeps no state).
        var callbacks: [CallbackState?]
        /// A callback had asked training to stop at that epoch.
        var stopped: Bool
    }

    static let partialFormat = "emotive-training-partial-1"

    private static func partialChecksum(_ arrays: [NamedArray], _ metadata: [String: String])
        -> String
    {
        let fields = [
            "format", "partial", "key", "epoch", "model", "optimizer", "history", "callbacks",
            "stopped",
        ]
        return checksum(
            arrays, fields.map { "\($0)=\(metadata[$0] ?? "-")" }.joined(separator: "\n"))
    }

    func storePartial(key: String, _ partial: Partial) {
        let ck = partial.checkpoint
        var arrays =
            ck.weights
            + ck.optimizerState.map {
                NamedArray(name: "optimizer/" + $0.name, shape: $0.shape, values: $0.values)
            }
        var states: [[String: String]?] = []
        for (i, state) in partial.callbacks.enumerated() {
            states.append(state?.values)
            for a in state?.arrays ?? [] {
                arrays.append(
                    NamedArray(name: "callback/\(i)/" + a.name, shape: a.shape, values: a.values))
            }
        }
        do {
            var metadata = [
                "format": Checkpoint.format, "partial": Self.partialFormat, "key": key,
                "epoch": String(ck.epoch), "model": ck.modelIdentity, "optimizer": ck.optimizerInfo,
                "history": String(
                    decoding: try JSONEncoder.sorted.encode(ck.history), as: UTF8.self),
                "callbacks": String(decoding: try JSONEncoder.sorted.encode(states), as: UTF8.self),
                "stopped": String(partial.stopped),
            ]
            metadata["checksum"] = Self.partialChecksum(arrays, metadata)
            try SafeTensors.write(arrays, metadata: metadata, to: partialURL(for: key))
        } catch {
            logToStderr(
                "training cache: could not store the checkpoint of epoch \(ck.epoch) (\(error)); "
                    + "an interrupted run will restart further back")
        }
    }

    /// The partial entry of `key`, or nil (none, or damaged: then says so on stderr).
    func loadPartial(key: String, callbackCount: Int) -> Partial? {
        let u = partialURL(for: key)
        guard FileManager.default.fileExists(atPath: u.path) else { return nil }
        guard let (arrays, metadata) = try? SafeTensors.read(u),
            metadata["partial"] == Self.partialFormat,
            metadata["key"] == key, metadata["checksum"] == Self.partialChecksum(arrays, metadata),
            let epoch = metadata["epoch"].flatMap({ Int($0) }), let model = metadata["model"],
            let history = metadata["history"].flatMap({
                try? JSONDecoder().decode(History.self, from: Data($0.utf8))
            }),
            let states = metadata["callbacks"].flatMap({
                try? JSONDecoder().decode([[String: String]?].self, from: Data($0.utf8))
            }),
            states.count == callbackCount
        else {
            logToStderr(
                "training cache: the checkpoint of an interrupted run (\(u.lastPathComponent)) failed its check "
                    + "and was ignored; training starts from the beginning")
            return nil
        }
        var weights: [NamedArray] = [], optimizer: [NamedArray] = []
        var callbackArrays = [[NamedArray]](repeating: [], count: callbackCount)
        for a in arrays {
            if a.name.hasPrefix("optimizer/") {
                optimizer.append(
                    NamedArray(
                        name: String(a.name.dropFirst("optimizer/".count)), shape: a.shape,
                        values: a.values))
            } else if a.name.hasPrefix("callback/") {
                let rest = a.name.dropFirst("callback/".count)
                guard let slash = rest.firstIndex(of: "/"), let i = Int(rest[..<slash]),
                    i < callbackCount
                else { continue }
                callbackArrays[i].append(
                    NamedArray(
                        name: String(rest[rest.index(after: slash)...]), shape: a.shape,
                        values: a.values))
            } else {
                weights.append(a)
            }
        }
        let ck = Checkpoint(
            weights: weights, optimizerState: optimizer, epoch: epoch, history: history,
            modelIdentity: model, optimizerInfo: metadata["optimizer"] ?? "{}")
        let callbacks = states.enumerated().map { i, v in
            v.map { CallbackState(values: $0, arrays: callbackArrays[i]) }
        }
        return Partial(checkpoint: ck, callbacks: callbacks, stopped: metadata["stopped"] == "true")
    }

    /// Removes the partial entry of `key` and temporary files of writers that died.
    func removePartial(key: String) {
        try? FileManager.default.removeItem(at: partialURL(for: key))
        removeLeftovers()
    }

    /// Temporary files (`.<name>.tmp-<pid>-<n>`) of processes that no longer exist.
    func removeLeftovers() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else { return }
        for name in names where name.hasPrefix(".") {
            guard let r = name.range(of: ".tmp-"),
                let pid = Int32(name[r.upperBound...].prefix(while: \.isNumber)),
                pid != getpid(), kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    func load(key: String, model: Layer) -> Entry? {
        let u = url(for: key)
        guard FileManager.default.fileExists(atPath: u.path) else { return nil }
        guard let (arrays, metadata) = try? SafeTensors.read(u), metadata["key"] == key,
            let history = metadata["history"],
            metadata["checksum"] == Self.checksum(arrays, history),
            let h = try? JSONDecoder().decode(History.self, from: Data(history.utf8)),
            let lr = metadata["learning_rate"].flatMap(Double.init),
            let it = metadata["iterations"].flatMap(Int.init)
        else {
            FileHandle.standardError.write(
                Data("training cache: entry \(key.prefix(16)) failed its check; retraining\n".utf8))
            return nil
        }
        let weights = arrays.filter { !$0.name.hasPrefix("optimizer/") }
        let optimizer = arrays.filter { $0.name.hasPrefix("optimizer/") }
            .map {
                NamedArray(
                    name: String($0.name.dropFirst("optimizer/".count)), shape: $0.shape,
                    values: $0.values)
            }
        return Entry(
            weights: weights, optimizerState: optimizer, history: h, learningRate: lr,
            iterations: it)
    }
}
