// Training and inference throughput of the report's three models at 48x48, batch 32,
// through the real fit loop (forward, backward, Adam step, BN statistics).
import Foundation
import NeuralNetworks
import NotebookKit
import Tensors
import Vision

func runModelBenchmarks() {
    let batch = 32, steps = 2
    let models: [(String, [Int], () throws -> Sequential)] = [
        (
            "MobileNetV2 α1.0 + report head", [48, 48, 3],
            {
                let base = try MobileNetV2(alpha: 1.0, includeTop: false, inputShape: [48, 48, 3])
                return Sequential {
                    base; ReportHead.mobileNetV2(classes: 7)
                }
            }
        ),
        (
            "ResNet50 (frozen base) + report head", [48, 48, 3],
            {
                let base = try ResNet50(includeTop: false, inputShape: [48, 48, 3])
                base.isTrainable = false
                return Sequential {
                    base; ReportHead.resnet50(classes: 7)
                }
            }
        ),
        (
            "ResNet50 (all trainable) + report head", [48, 48, 3],
            {
                let base = try ResNet50(includeTop: false, inputShape: [48, 48, 3])
                return Sequential {
                    base; ReportHead.resnet50(classes: 7)
                }
            }
        ),
        (
            "Attention CNN (CBAM)", [48, 48, 1],
            { AttentionCNN(classes: 7, inputShape: [48, 48, 1]) }
        ),
    ]
    // EMOTIVE_BENCH_MODEL=CBAM runs only the models whose name contains it.
    let only = ProcessInfo.processInfo.environment["EMOTIVE_BENCH_MODEL"]
    defer { if only == nil || "pipeline".contains(only!) { runReportPipelineBenchmark() } }
    for (name, shape, make) in models where only.map({ name.contains($0) }) ?? true {
        do {
            let model = try make()
            model.build(inputShape: shape, seed: 1)
            var g = RandomGenerator(seed: 2)
            let n = batch * steps
            let images = Tensor(randomUniform: [n] + shape, generator: &g)
            let data = TensorDataset(
                images: images, labels: (0..<n).map { $0 % 7 }, identity: "bench")
            let optimizer = Adam(learningRate: 1e-4)
            let train = measure(repeats: 3) {
                _ = try? model.fit(
                    data, epochs: 1, batchSize: batch, optimizer: optimizer, progress: .silent,
                    cache: nil)
            }
            let x = images.slice(0..<batch)
            let infer = measure(repeats: 3) { _ = model.predict(x) }
            let label = name.padding(toLength: 40, withPad: " ", startingAt: 0)
            print(
                label
                    + String(
                        format: " train %7.1f images/s   inference %7.1f images/s",
                        Double(n) / train, Double(batch) / infer))
        } catch {
            print("\(name): \(error)")
        }
    }
}

/// The report's MobileNetV2 recipe end to end on synthetic FER data: Vision's pipeline
/// (gray → RGB, augmentation, rescale) adapted with `Batches`, one epoch of fit.
func runReportPipelineBenchmark() {
    let data = SyntheticFER.generate(.train, .init(scale: 0.005, seed: 1))
    let pipeline = data.pipeline(
        batchSize: 32, seed: 1, channels: 3, augmentation: .fer2013Report,
        rescale: 1 / 127.5)
    let train = Batches(
        count: data.count, labels: data.labels, batchCount: pipeline.batchCount,
        identity: "\(data.fingerprint()) \(Augmentation.fer2013Report)"
    ) { epoch in
        pipeline.tensorBatches(epoch: epoch)
    }
    do {
        let base = try MobileNetV2(alpha: 1.0, includeTop: false, inputShape: [48, 48, 3])
        let model = Sequential {
            Rescaling(scale: 1, offset: -1); base; ReportHead.mobileNetV2(classes: 7)
        }
        model.build(inputShape: [48, 48, 3], seed: 1)
        let seconds = measure(repeats: 2) {
            _ = try? model.fit(
                train, epochs: 1, optimizer: Adam(learningRate: 1e-5), classWeights: .balanced,
                progress: .silent, cache: nil)
        }
        print(
            String(
                format: "MobileNetV2 report recipe, %d images, augmentation: %.1f images/s",
                data.count,
                Double(data.count) / seconds))
    } catch {
        print("report pipeline: \(error)")
    }
}
