// Emotive's side of the side-by-side comparison with PyTorch and Keras (issue 10;
// Benchmarks/compare.sh runs it next to Benchmarks/Peers/*.py):
//
//   EmotiveBenchmarks peer --workload mobilenetv2-train-48 --threads 2 --steps 6 --repeats 5
//   EmotiveBenchmarks peer --workload sgemm --threads 2
//
// prints one JSON line, like the Python peers: images per second (median over the
// repeats), peak resident memory (getrusage), the workload's FLOPs per image and the
// achieved GFLOP/s, and a loss the script compares between OpenBLAS settings.
//
// Training is timed through `fit`, the path a notebook takes: each repeat is one `fit`
// epoch over `steps` copies of one fixed batch of 32 (no shuffling, no cache, no
// validation), i.e. `steps` × (forward, cross-entropy from logits, backward, Adam step).
// The per-call overhead of `fit` (a batch-1 forward to find the class count, hashing the
// weights for its cache key) is inside the timing, spread over the steps.
//
// FLOPs per image count 2 × multiply-adds of Conv2D, DepthwiseConv2D and Dense layers
// (CBAM's MLP and 7x7 spatial conv included); batch norm, activations, pooling and
// elementwise work are not counted. Training counts, per layer, the forward, the weight
// gradient when the layer is trainable (same FLOPs as the forward) and the input gradient
// when a trainable layer comes before it (same again): 3 × forward for a fully trainable
// network (less the first layer's unneeded input gradient), 1 × for a frozen base that
// starts the network.
import Foundation
import NeuralNetworks
import NotebookKit
import Tensors
#if canImport(Glibc)
    import Glibc
#endif

/// One workload of issue 10's table.
struct PeerWorkload {
    enum Model: String { case mobilenetv2, resnet50, resnet50frozen, cbam }
    let model: Model
    let training: Bool
    let size: Int
    var channels: Int { model == .cbam ? 1 : 3 }
    var batch: Int { training ? 32 : 256 }

    /// "mobilenetv2-train-48", "resnet50frozen-train-48", "cbam-train-48", "mobilenetv2-infer-48".
    init?(_ name: String) {
        let parts = name.split(separator: "-").map(String.init)
        guard parts.count == 3, let model = Model(rawValue: parts[0]),
            ["train", "infer"].contains(parts[1]),
            let size = Int(parts[2]), size >= 32
        else { return nil }
        self.model = model
        training = parts[1] == "train"
        self.size = size
    }

    /// The model of Emotive's zoo with the report's head, built from seed 1.
    func make() throws -> Sequential {
        let shape = [size, size, channels]
        let model: Sequential
        switch self.model {
        case .mobilenetv2:
            let base = try MobileNetV2(alpha: 1.0, includeTop: false, inputShape: shape)
            model = Sequential {
                base; ReportHead.mobileNetV2(classes: 7)
            }
        case .resnet50, .resnet50frozen:
            let base = try ResNet50(includeTop: false, inputShape: shape)
            if self.model == .resnet50frozen { base.isTrainable = false }
            model = Sequential {
                base; ReportHead.resnet50(classes: 7)
            }
        case .cbam:
            model = AttentionCNN(classes: 7, inputShape: shape)
        }
        model.build(inputShape: shape, seed: 1)
        return model
    }
}

let peerWorkloadNames = [
    "mobilenetv2-train-48", "mobilenetv2-train-96", "mobilenetv2-train-224", "resnet50-train-48",
    "resnet50-train-96", "resnet50frozen-train-48", "cbam-train-48", "mobilenetv2-infer-48",
    "sgemm",
]

func runPeerWorkload(_ arguments: [String]) {
    func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data(("EmotiveBenchmarks peer: " + message + "\n").utf8))
        exit(2)
    }
    var options: [String: String] = [:]
    var i = 0
    while i < arguments.count {
        let key = arguments[i]
        guard ["--workload", "--threads", "--steps", "--repeats"].contains(key) else {
            fail(
                "unknown option \"\(key)\"; usage: peer --workload W [--threads N] [--steps S] [--repeats R]; "
                    + "workloads: \(peerWorkloadNames.joined(separator: ", "))")
        }
        guard i + 1 < arguments.count else { fail("\(key) needs a value") }
        options[key] = arguments[i + 1]
        i += 2
    }
    func integer(_ key: String, _ fallback: Int) -> Int {
        guard let text = options[key] else { return fallback }
        guard let n = Int(text), n >= 1 else {
            fail("\(key) must be a positive integer, got \"\(text)\"")
        }
        return n
    }
    guard let name = options["--workload"] else {
        fail("--workload is required; one of \(peerWorkloadNames.joined(separator: ", "))")
    }
    let threads = integer("--threads", 2), steps = integer("--steps", 6),
        repeats = integer("--repeats", 5)
    Parallelism.threadCount = threads

    var fields: [(String, Any)] = [("peer", "emotive"), ("workload", name), ("threads", threads)]
    if name == "sgemm" {
        fields += sgemmFigures(repeats: repeats)
    } else {
        guard let workload = PeerWorkload(name) else {
            fail(
                "unknown workload \"\(name)\"; one of \(peerWorkloadNames.joined(separator: ", "))")
        }
        do {
            fields += try measure(workload, steps: steps, repeats: repeats)
        } catch {
            fail("\(name): \(error)")
        }
    }
    fields.append(("peak_rss_mib", peakResidentMiB()))
    print(jsonLine(fields))
}

/// 1024³ sgemm through `matmul` (cblas_sgemm): GFLOP/s, median of `repeats` × 5 products.
private func sgemmFigures(repeats: Int) -> [(String, Any)] {
    var g = RandomGenerator(seed: 1)
    let a = Tensor(randomUniform: [1024, 1024], generator: &g),
        b = Tensor(randomUniform: [1024, 1024], generator: &g)
    _ = matmul(a, b)
    let rates = (0..<max(repeats, 3)).map { _ in
        let t = seconds { for _ in 0..<5 { _ = matmul(a, b) } }
        return 5 * 2 * pow(1024, 3) / t / 1e9
    }
    return [
        ("gflops", median(rates)), ("gflops_best", rates.max()!),
        ("openblas_core", openBLASCoreName()),
    ]
}

/// The kernel family OpenBLAS picked (`openblas_get_corename`, looked up by name so the
/// benchmarks need no C module of their own).
private func openBLASCoreName() -> String {
    typealias CoreName = @convention(c) () -> UnsafePointer<CChar>?
    guard let symbol = dlsym(nil, "openblas_get_corename"),
        let name = unsafeBitCast(symbol, to: CoreName.self)()
    else { return "unknown" }
    return String(cString: name)
}

private func measure(_ w: PeerWorkload, steps: Int, repeats: Int) throws -> [(String, Any)] {
    let model = try w.make()
    var g = RandomGenerator(seed: 2)
    let x = Tensor(randomUniform: [w.batch, w.size, w.size, w.channels], generator: &g)
    let flops = flopsPerImage(
        model, inputShape: [w.size, w.size, w.channels], training: w.training)
    var rates: [Double] = []
    var first = 0.0, last = 0.0
    if w.training {
        let labels = (0..<w.batch).map { $0 % 7 }
        func dataset(_ n: Int) -> TensorDataset {
            TensorDataset(
                images: concat(Array(repeating: x, count: n), alongAxis: 0),
                labels: Array(Array(repeating: labels, count: n).joined()), identity: "peer-\(n)")
        }
        let optimizer = Adam(learningRate: 1e-5)
        func epoch(_ data: TensorDataset) throws -> Double {
            let history = try model.fit(
                data, epochs: 1, batchSize: w.batch, optimizer: optimizer, seed: 3,
                shuffle: false, progress: .silent, cache: nil)
            guard let loss = history.epochs.last?.loss, history.stopReason == nil else {
                throw TrainingError("training stopped: \(history.stopReason ?? "no epoch")")
            }
            return loss
        }
        first = try epoch(dataset(2))  // warm-up: two steps, as the Python peers
        let timed = dataset(steps)
        for _ in 0..<repeats {
            var loss = 0.0
            let t = try seconds { loss = try epoch(timed) }
            last = loss
            rates.append(Double(w.batch * steps) / t)
        }
    } else {
        // Mean absolute logit of the batch (an untrained network's probabilities are all
        // close to 1/7; its logits still move with any change in the arithmetic).
        let logits = withoutGradients { model.logits(x) ?? model(x) }
        first = Double(logits.scalars.reduce(0) { $0 + abs($1) }) / Double(logits.scalars.count)
        _ = model.predict(x)
        for _ in 0..<repeats {
            let t = seconds { for _ in 0..<steps { _ = model.predict(x) } }
            rates.append(Double(w.batch * steps) / t)
        }
        last = first
    }
    let rate = median(rates)
    let counts = model.parameterCounts
    return [
        ("parameters", counts.total), ("trainable_parameters", counts.trainable),
        ("images_per_second", rate), ("rates", rates), ("flops_per_image", flops),
        ("gflops", rate * flops / 1e9),
        ("first_check", first), ("check", last), ("steps", steps), ("repeats", repeats),
        (
            "timing",
            w.training ? "fit, one epoch of \(steps) copies of one batch per repeat" : "predict"
        ),
    ]
}

/// FLOPs of one image through `model` (see the convention at the top of this file).
func flopsPerImage(_ model: Sequential, inputShape: [Int], training: Bool) -> Double {
    var total = 0.0
    var gradientFlows = false  // a trainable layer came before: the input gradient is needed
    for row in model.summary(inputShape: inputShape).rows {
        guard let layer = model.layer(named: row.name) else { continue }
        let spatial = Double(row.outputShape.dropLast().reduce(1, *))  // H·W, or 1 after pooling
        var macs = 0.0
        switch layer {
        case let cbam as CBAM:
            let c = Double(cbam.channels), hidden = Double(max(1, cbam.channels / cbam.reduction))
            let k = Double(cbam.spatialKernel * cbam.spatialKernel)
            macs = 2 * (c * hidden + hidden * c) + spatial * k * 2
        case is Conv2D, is DepthwiseConv2D, is Dense:
            let kernel = (layer as? BaseLayer)?.ownWeights.first { $0.variable.hasSuffix("kernel") }
            macs = spatial * Double(kernel?.parameter.shape.reduce(1, *) ?? 0)
        default:
            break
        }
        let trainable = layer.allLayers.contains { l in
            (l as? BaseLayer)?.ownWeights.contains { $0.parameter.isTrainable } ?? false
        }
        var passes = 1.0
        if training {
            if trainable { passes += 1 }
            if gradientFlows { passes += 1 }
            gradientFlows = gradientFlows || trainable
        }
        total += 2 * macs * passes
    }
    return total
}

private func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

private func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Peak resident set of this process in MiB (ru_maxrss is in KiB on Linux).
private func peakResidentMiB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

private func jsonLine(_ fields: [(String, Any)]) -> String {
    func value(_ v: Any) -> String {
        switch v {
        case let s as String: return "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case let d as Double: return d.isFinite ? "\(d)" : "null"
        case let a as [Double]: return "[" + a.map(value).joined(separator: ", ") + "]"
        default: return "\(v)"
        }
    }
    return "{" + fields.map { "\"\($0.0)\": \(value($0.1))" }.joined(separator: ", ") + "}"
}
