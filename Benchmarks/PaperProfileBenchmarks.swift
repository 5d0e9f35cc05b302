// How long the fer2013 notebook's `paper` profile takes on this machine, projected from
// measured rates: each model as the notebook builds it at 224×224×3 (ResNet50 frozen with
// the report's head, the attention CNN at widths 32/64/128, MobileNetV2 fully trained),
// training with `fit` at batch 32 and validating with `evaluate` on the held-out images.
import Foundation
import NeuralNetworks
import NotebookKit
import Tensors

func runPaperProfileBenchmark() {
    let size = 224, batch = 32
    let trainImages = 28_709, testImages = 7_178  // FER-2013's Kaggle split
    let shape = [size, size, 3]
    let models: [(name: String, epochs: Int, make: () throws -> Sequential)] = [
        (
            "ResNet50 (frozen base)", 20,
            {
                let base = try ResNet50(includeTop: false, inputShape: shape)
                base.isTrainable = false
                return Sequential {
                    base; ReportHead.resnet50(classes: 7)
                }
            }
        ),
        (
            "Attention CNN (32/64/128)", 30,
            { AttentionCNN(classes: 7, filters: [32, 64, 128], inputShape: shape) }
        ),
        (
            "MobileNetV2 (alpha 1.0)", 30,
            {
                let base = try MobileNetV2(alpha: 1.0, includeTop: false, inputShape: shape)
                return Sequential {
                    base; ReportHead.mobileNetV2(classes: 7)
                }
            }
        ),
    ]
    let steps = Int(ProcessInfo.processInfo.environment["EMOTIVE_PAPER_STEPS"] ?? "") ?? 6
    print(
        "paper profile at \(size)×\(size)×3, batch \(batch), \(Parallelism.threadCount) threads; "
            + "\(steps) timed training steps and \(steps) validation batches per model after one warm-up step of each"
    )
    print(
        "model | train img/s | validation img/s | s/epoch (\(trainImages) + \(testImages) images) | epochs | projected total"
    )
    var total = 0.0
    for m in models {
        do {
            let model = try m.make()
            model.build(inputShape: shape, seed: 1)
            func data(_ n: Int) -> TensorDataset {
                repeatedBatch(batch: batch, size: size, repeats: n, name: "paper")
            }
            let optimizer = Adam(learningRate: 1e-5)
            _ = try model.fit(
                data(1), epochs: 1, batchSize: batch, optimizer: optimizer, shuffle: false,
                progress: .silent, cache: nil)
            // warm-up: the inference fusion's folds
            _ = try model.evaluate(data(1), batchSize: batch)
            let timed = data(steps)
            let trainSeconds = try seconds {
                _ = try model.fit(
                    timed, epochs: 1, batchSize: batch, optimizer: optimizer,
                    shuffle: false, progress: .silent, cache: nil)
            }
            let evalSeconds = try seconds { _ = try model.evaluate(timed, batchSize: batch) }
            let trainRate = Double(batch * steps) / trainSeconds,
                evalRate = Double(batch * steps) / evalSeconds
            let epoch = Double(trainImages) / trainRate + Double(testImages) / evalRate
            total += epoch * Double(m.epochs)
            print(
                String(
                    format: "%@ | %.1f | %.1f | %.0f | %d | %@", m.name, trainRate, evalRate, epoch,
                    m.epochs,
                    hours(epoch * Double(m.epochs))))
        } catch {
            print("\(m.name): \(error)")
        }
    }
    print(
        "all three models: \(hours(total)) (the focal-loss variant of the paper profile adds about one MobileNetV2 run)"
    )
}

private func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

private func hours(_ s: Double) -> String { String(format: "%.1f h", s / 3600) }
