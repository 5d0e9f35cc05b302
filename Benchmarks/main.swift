// Emotive benchmarks: throughput figures, printed (no test asserts a time).
//
//   swift run -c release EmotiveBenchmarks            # every suite
//   swift run -c release EmotiveBenchmarks tensors    # one or more suites by name
//
// A suite is a function in its own file (TensorBenchmarks.swift, Model*.swift,
// Data*.swift); register it with one line below. Use `measure` for timings.
import Foundation
import MessagePassing
import NeuralNetworks
import Tensors

let suites: [(name: String, summary: String, run: () -> Void)] = [
    ("tensors", "sgemm, conv 3x3 / 1x1 forward and backward, depthwise 3x3", runTensorBenchmarks),
    (
        "tensor-block", "a MobileNetV2 inverted residual block step from Tensors ops",
        runInvertedResidualBenchmark
    ),
    (
        "data", "synthetic generation, FER-size loading (folders, CSV), pipeline, difficulty",
        runDataBenchmarks
    ),
    (
        "models",
        "training and inference images/s of MobileNetV2, ResNet50, CBAM CNN at 48x48, batch 32",
        runModelBenchmarks
    ),
    (
        "paper",
        "the fer2013 notebook's paper profile at 224x224: s/epoch per model and the projected total",
        runPaperProfileBenchmark
    ),
    (
        "parallel",
        "data-parallel training over MPI: allreduce, images/s and the step split (run it under mpirun too)",
        runParallelBenchmarks
    ),
]

/// Best wall time in seconds of `body` over `repeats` runs after `warmup` runs
/// (best, not mean: the machine is shared, and the minimum is the least disturbed).
func measure(repeats: Int = 10, warmup: Int = 1, _ body: () -> Void) -> Double {
    for _ in 0..<warmup { body() }
    var best = Double.infinity
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return best
}

// Under mpirun only rank 0 prints.
if Communicator.launchedWithSeveralRanks && !Communicator.world.isRoot {
    dup2(open("/dev/null", O_WRONLY), 1)
}
/// `repeats` copies of one batch of `batch` random images `size`×`size`×3 (seed 2), labels
/// cycling through 7 classes: what the paper and parallel suites train and evaluate on.
func repeatedBatch(batch: Int, size: Int, repeats: Int, name: String) -> TensorDataset {
    var g = RandomGenerator(seed: 2)
    let x = Tensor(randomUniform: [batch, size, size, 3], generator: &g)
    let labels = (0..<batch).map { $0 % 7 }
    return TensorDataset(
        images: concat(Array(repeating: x, count: repeats), alongAxis: 0),
        labels: Array(Array(repeating: labels, count: repeats).joined()),
        identity: "\(name)-\(repeats)")
}

let requested = Array(CommandLine.arguments.dropFirst())
// `peer --workload W ...`: one workload of the side-by-side comparison (PeerWorkloads.swift).
if requested.first == "peer" { runPeerWorkload(Array(requested.dropFirst())); exit(0) }
let known = Set(suites.map(\.name))
if let unknown = requested.first(where: { !known.contains($0) }) {
    print("EmotiveBenchmarks: unknown suite \"\(unknown)\"; available:")
    for s in suites { print("  \(s.name)  \(s.summary)") }
    print(
        "  peer --workload W [--threads N] [--steps S] [--repeats R]  one JSON line for Benchmarks/compare.sh"
    )
    exit(2)
}
print("Emotive benchmarks, \(Parallelism.threadCount) threads (EMOTIVE_THREADS)")
for suite in suites where requested.isEmpty || requested.contains(suite.name) {
    print("\n## \(suite.name)")
    suite.run()
}
