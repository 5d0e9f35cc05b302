// Training and inference throughput of the report's three models at 48x48, batch 32,
// through the real fit loop (forward, backward, Adam step, BN statistics).
import Foundation
import NeuralNetworks
import Tensors

func runModelBenchmarks() {
    let batch = 32, steps = 2
    let models: [(String, [Int], () throws -> Sequential)] = [
        ("MobileNetV2 α1.0 + report head", [48, 48, 3], {
            let base = try MobileNetV2(alpha: 1.0, includeTop: false, inputShape: [48, 48, 3])
            return Sequential { base; ReportHead.mobileNetV2(classes: 7) }
        }),
        ("ResNet50 (frozen base) + report head", [48, 48, 3], {
            let base = try ResNet50(includeTop: false, inputShape: [48, 48, 3])
            base.isTrainable = false
            return Sequential { base; ReportHead.resnet50(classes: 7) }
        }),
        ("ResNet50 (all trainable) + report head", [48, 48, 3], {
            let base = try ResNet50(includeTop: false, inputShape: [48, 48, 3])
            return Sequential { base; ReportHead.resnet50(classes: 7) }
        }),
        ("Attention CNN (CBAM)", [48, 48, 1], { AttentionCNN(classes: 7, inputShape: [48, 48, 1]) }),
    ]
    // EMOTIVE_BENCH_MODEL=CBAM runs only the models whose name contains it.
    let only = ProcessInfo.processInfo.environment["EMOTIVE_BENCH_MODEL"]
    for (name, shape, make) in models where only.map({ name.contains($0) }) ?? true {
        do {
            let model = try make()
            model.build(inputShape: shape, seed: 1)
            var g = RandomGenerator(seed: 2)
            let n = batch * steps
            let images = Tensor(randomUniform: [n] + shape, generator: &g)
            let data = TensorDataset(images: images, labels: (0..<n).map { $0 % 7 }, identity: "bench")
            let optimizer = Adam(learningRate: 1e-4)
            let train = measure(repeats: 3) {
                _ = try? model.fit(data, epochs: 1, batchSize: batch, optimizer: optimizer, progress: .silent, cache: nil)
            }
            let x = images.slice(0..<batch)
            let infer = measure(repeats: 3) { _ = model.predict(x) }
            let label = name.padding(toLength: 40, withPad: " ", startingAt: 0)
            print(label + String(format: " train %7.1f images/s   inference %7.1f images/s", Double(n) / train, Double(batch) / infer))
        } catch {
            print("\(name): \(error)")
        }
    }
}
