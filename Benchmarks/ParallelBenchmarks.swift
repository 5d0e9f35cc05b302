// Data-parallel training over MPI. Run once as one process and once under mpirun, on the
// same machine, one after the other:
//
//   EMOTIVE_THREADS=2 .build/release/EmotiveBenchmarks parallel
//   mpirun --allow-run-as-root --oversubscribe --bind-to none -np 2 -x EMOTIVE_THREADS=1 \
//       .build/release/EmotiveBenchmarks parallel
//
// Prints (rank 0 only): allreduce latency and bandwidth at each model's gradient size;
// training images/s of MobileNetV2 at 224 and ResNet50 (frozen base) at 96 with the time
// per step split into compute, communication, and the part of it hidden behind backward;
// and, from these, a projection of the paper profile on 1–16 machines (the model below).
import Foundation
import MessagePassing
import NeuralNetworks
import NotebookKit
import Tensors

func runParallelBenchmarks() {
    let world = Communicator.world
    print("\(world.size) rank(s) × \(Parallelism.threadCount) thread(s)")
    let batch = 32
    let steps = Int(ProcessInfo.processInfo.environment["EMOTIVE_PARALLEL_STEPS"] ?? "") ?? 4

    // The three models of the paper profile at 224, and the two measured side by side.
    func mobileNet(_ size: Int) throws -> Sequential {
        let base = try MobileNetV2(alpha: 1.0, includeTop: false, inputShape: [size, size, 3])
        return Sequential {
            base; ReportHead.mobileNetV2(classes: 7)
        }
    }
    func resNet(_ size: Int) throws -> Sequential {
        let base = try ResNet50(includeTop: false, inputShape: [size, size, 3])
        base.isTrainable = false
        return Sequential {
            base; ReportHead.resnet50(classes: 7)
        }
    }
    func cbam(_ size: Int) -> Sequential {
        AttentionCNN(classes: 7, filters: [32, 64, 128], inputShape: [size, size, 3])
    }
    func gradientBytes(_ model: Sequential, _ size: Int) -> Int {
        model.build(inputShape: [size, size, 3], seed: 1)
        return model.trainableParameters.reduce(0) { $0 + $1.shape.reduce(1, *) } * 4
    }

    // 1. Allreduce at each gradient size.
    var sizes: [(String, Int)] = [("8 bytes (a loss and a count)", 8)]
    do {
        sizes.append(("MobileNetV2 1.0 + head", gradientBytes(try mobileNet(224), 224)))
        sizes.append(("ResNet50 frozen + head (224)", gradientBytes(try resNet(224), 224)))
        sizes.append(("Attention CNN 32/64/128 (224)", gradientBytes(cbam(224), 224)))
    } catch { print("models: \(error)"); return }
    print("\n### allreduce (in place, sum of floats)")
    if world.size == 1 { print("one rank: nothing to sum (run under mpirun for these figures)") }
    print("gradient | bytes | best ms | algorithm bandwidth GB/s | bus bandwidth GB/s")
    var allreduceSeconds: [String: Double] = [:]
    for (name, bytes) in sizes where world.size > 1 {
        var buffer = [Float](repeating: 1, count: max(1, bytes / 4))
        world.barrier()
        let best = measure(repeats: 10, warmup: 2) { world.allreduceSum(&buffer) }
        allreduceSeconds[name] = best
        let n = Double(world.size)
        print(
            String(
                format: "%@ | %d | %.3f | %.2f | %.2f", name, bytes, best * 1e3,
                Double(bytes) / best / 1e9,
                2 * (n - 1) / n * Double(bytes) / best / 1e9))
    }

    // 2. Training side by side, and the rates the projection needs.
    struct Measured {
        var train: Double; var eval: Double; var step: Double; var waited: Double; var bytes: Int
    }
    func run(_ make: () throws -> Sequential, size: Int, steps: Int, bucketBytes: Int = 4 << 20)
        throws -> Measured
    {
        let model = try make()
        model.build(inputShape: [size, size, 3], seed: 1)
        func data(_ n: Int) -> TensorDataset {
            repeatedBatch(batch: batch, size: size, repeats: n, name: "parallel")
        }
        let optimizer = Adam(learningRate: 1e-5)
        _ = try model.fit(
            data(1), epochs: 1, batchSize: batch, optimizer: optimizer, shuffle: false,
            progress: .silent, cache: nil)
        _ = try model.evaluate(data(1), batchSize: batch)
        let statistics = CommunicationStatistics()
        // One fit: its first step plans the buckets (summed after backward), the rest overlap.
        let parallel = DataParallel(bucketBytes: bucketBytes, statistics: statistics)
        _ = try model.fit(
            data(1), epochs: 1, batchSize: batch, optimizer: optimizer, shuffle: false,
            progress: .silent, cache: nil, parallel: parallel)
        let planned = statistics.waitSeconds
        world.barrier()
        var start = Date()
        _ = try model.fit(
            data(steps), epochs: 1, batchSize: batch, optimizer: optimizer, shuffle: false,
            progress: .silent, cache: nil, parallel: parallel)
        let seconds = Date().timeIntervalSince(start)
        world.barrier()
        start = Date()
        _ = try model.evaluate(data(steps), batchSize: batch)
        let evalSeconds = Date().timeIntervalSince(start)
        return Measured(
            train: Double(batch * steps) / seconds, eval: Double(batch * steps) / evalSeconds,
            step: seconds / Double(steps),
            waited: (statistics.waitSeconds - planned) / Double(steps),
            bytes: statistics.gradientBytes)
    }
    print("\n### training, global batch \(batch), \(steps) timed steps after warm-up")
    print(
        "model | train images/s | evaluate images/s | s/step | waited for gradients after backward, s/step"
    )
    var measured: [String: Measured] = [:]
    let configurations: [(String, Int, () throws -> Sequential)] = [
        ("MobileNetV2 1.0 at 224", 224, { try mobileNet(224) }),
        ("ResNet50 (frozen) at 96", 96, { try resNet(96) }),
        ("ResNet50 (frozen) at 224", 224, { try resNet(224) }),
        ("Attention CNN at 224", 224, { cbam(224) }),
    ]
    for (name, size, make) in configurations {
        do {
            let m = try run(make, size: size, steps: steps)
            measured[name] = m
            print(
                String(
                    format: "%@ | %.1f | %.1f | %.3f | %.3f", name, m.train, m.eval, m.step,
                    m.waited))
        } catch {
            print("\(name): \(error)")
        }
    }
    if world.size > 1, let overlapped = measured["MobileNetV2 1.0 at 224"],
        let single = try? run(
            { try mobileNet(224) }, size: 224, steps: steps, bucketBytes: Int.max / 2)
    {
        print(
            String(
                format:
                    "MobileNetV2 at 224, one bucket summed after backward (no overlap) | %.1f | %.1f | %.3f | %.3f",
                single.train, single.eval, single.step, single.waited))
        print(
            String(
                format:
                    "overlap: buckets started during backward save %.3f s/step (%.1f%%) against one bucket after it",
                single.step - overlapped.step, 100 * (single.step - overlapped.step) / single.step))
    }

    // 3. Projection (printed by a 1-rank run, whose rates are one whole machine's).
    guard world.size == 1 else { return }
    let trainImages = 28_709.0, testImages = 7_178.0
    let paper: [(String, String, Double)] = [
        ("ResNet50 (frozen) at 224", "ResNet50 frozen + head (224)", 20),
        ("Attention CNN at 224", "Attention CNN 32/64/128 (224)", 30),
        ("MobileNetV2 1.0 at 224", "MobileNetV2 1.0 + head", 30),
    ]
    let latency = 50e-6  // per message on a switched 10/100 Gb/s Ethernet link (assumed)
    let bucket = Double(4 << 20)
    print(
        """

        ### projection of the paper profile on N machines like this one
        Model: each machine trains 32 images per step (global batch 32·N; learning rate scaled
        with it, a departure from the recipe's batch 32) at this run's measured rate; gradients are
        summed by a ring allreduce, T(S) = 2(N−1)/N · S/bandwidth + 2(N−1) · \(Int(latency * 1e6)) µs, in
        4 MiB buckets that overlap backward (taken as 2/3 of the step) except the last bucket;
        validation is sharded (7,178 images ÷ N). Epochs: ResNet50 20, attention CNN 30, MobileNetV2 30.
        """)
    for (gbps, label) in [(10.0, "10 Gb/s"), (100.0, "100 Gb/s")] {
        let bandwidth = gbps / 8 * 1e9 * 0.9  // bytes/s, 90% of the line rate
        func ring(_ bytes: Double, _ n: Double) -> Double {
            n == 1 ? 0 : 2 * (n - 1) / n * bytes / bandwidth + 2 * (n - 1) * latency
        }
        print(
            "\n\(label) | machines | MobileNetV2 step s | MobileNetV2 efficiency | paper profile wall time"
        )
        for n in [1.0, 2, 4, 8, 16] {
            var total = 0.0, mobileStep = 0.0, mobileEfficiency = 1.0
            for (name, gradient, epochs) in paper {
                guard let m = measured[name],
                    let bytes = sizes.first(where: { $0.0 == gradient })?.1
                else { continue }
                let compute = Double(batch) / m.train
                let exposed =
                    n == 1
                    ? 0
                    : ring(min(bucket, Double(bytes)), n)
                        + max(0, ring(Double(bytes), n) - compute * 2 / 3)
                let step = compute + exposed
                let epoch =
                    (trainImages / (Double(batch) * n)).rounded(.up) * step + testImages
                    / (n * m.eval)
                total += epoch * epochs
                if name.hasPrefix("MobileNetV2") {
                    (mobileStep, mobileEfficiency) = (step, compute / step)
                }
            }
            print(
                String(
                    format: "%@ | %d | %.3f | %.1f%% | %.1f h", label, Int(n), mobileStep,
                    100 * mobileEfficiency,
                    total / 3600))
        }
    }
}
