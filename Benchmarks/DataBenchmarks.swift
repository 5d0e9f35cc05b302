// Data benchmarks: synthetic generation, full-size loading from folders (PNG and JPEG) and
// from the CSV, and the batch pipeline's throughput. Reports images per second.
import Foundation
import NotebookKit
import Tensors
import Vision

/// The `data` suite. Environment: EMOTIVE_DATA_SCALE (default 1.0) sizes the loading runs;
/// EMOTIVE_DATA_ONLY=loading|difficulty runs one half; EMOTIVE_DATA_EPOCHS (default 5) and
/// EMOTIVE_DATA_AUGMENT=1 configure the small-CNN difficulty check.
func runDataBenchmarks() {
    let environment = ProcessInfo.processInfo.environment
    let scale = Double(environment["EMOTIVE_DATA_SCALE"] ?? "1") ?? 1
    let only = environment["EMOTIVE_DATA_ONLY"]
    if only == nil || only == "loading" {
        do { try DataBenchmarks.run(scale: scale) } catch { print("data  failed: \(error)") }
    }
    if only == nil || only == "difficulty" {
        DataBenchmarks.difficulty()
        DataBenchmarks.cnnDifficulty(
            epochs: Int(environment["EMOTIVE_DATA_EPOCHS"] ?? "5") ?? 5,
            augment: environment["EMOTIVE_DATA_AUGMENT"] == "1")
    }
}

enum DataBenchmarks {
    /// Runs every data benchmark; `scale` 1.0 is FER-2013's size (35,887 images).
    static func run(scale: Double = 1.0) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "emotive-data-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }

        let (data, generation) = timed { SyntheticFER.generate(.init(scale: scale, seed: 1)) }
        let total = data.train.count + data.test.count
        report("synthetic generation", images: total, seconds: generation)

        for format in [SyntheticFER.OutputFormat.jpegFolders, .folders, .csv] {
            let target = directory.appendingPathComponent(format.rawValue)
            let (_, writing) = try timed {
                try SyntheticFER.write(data, to: target, format: format)
            }
            report("write \(format.rawValue)", images: total, seconds: writing)
            let path =
                format == .csv ? target.appendingPathComponent("fer2013.csv").path : target.path
            let (loaded, loading) = try timed { try FER2013.load(path) }
            report(
                "load \(format.rawValue)", images: loaded.train.count + loaded.test.count,
                seconds: loading)
        }

        let pipeline = BatchPipeline(
            data.train, batchSize: 32, seed: 1, augmentation: .fer2013Report)
        let batches = min(pipeline.batchCount, 200)
        let (_, augmenting) = timed {
            for (i, _) in pipeline.batches(epoch: 0).enumerated() where i + 1 >= batches { break }
        }
        report("pipeline 48x48 augmented", images: batches * 32, seconds: augmenting)
        let large = BatchPipeline(
            data.train, batchSize: 32, seed: 1, targetSize: (96, 96), channels: 3,
            augmentation: .fer2013Report)
        let (_, augmentingLarge) = timed {
            for (i, _) in large.batches(epoch: 0).enumerated() where i + 1 >= 50 { break }
        }
        report("pipeline 96x96x3 augmented", images: 50 * 32, seconds: augmentingLarge)
        // A data-parallel rank prepares only its rows of each batch: with 2 ranks, half of
        // every batch of the paper profile's 224x224x3 augmented images, side by side.
        let paper = BatchPipeline(
            data.train, batchSize: 32, seed: 1, targetSize: (224, 224), channels: 3,
            augmentation: .fer2013Report)
        let firstHalf: @Sendable (Int, Int) -> Range<Int> = { _, n in 0..<(n / 2) }
        let rounds = 3, paperBatches = 20
        var whole = Double.infinity, half = Double.infinity
        for _ in 0..<rounds {
            whole = min(
                whole,
                timed {
                    for (i, _) in paper.batches(epoch: 0).enumerated() where i + 1 >= paperBatches {
                        break
                    }
                }.1)
            half = min(
                half,
                timed {
                    for (i, _) in paper.batches(epoch: 0, rows: firstHalf).enumerated()
                    where i + 1 >= paperBatches { break }
                }.1)
        }
        report("pipeline 224x224x3 whole", images: paperBatches * 32, seconds: whole)
        report("  a rank's half (of 2)", images: paperBatches * 16, seconds: half)
        print(String(format: "data  a rank's half / whole batches: %.2f of the time", half / whole))
    }

    static func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let value = try body()
        return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    static func report(_ name: String, images: Int, seconds: Double) {
        let label = name.padding(toLength: 28, withPad: " ", startingAt: 0)
        print(
            "data  \(label) "
                + String(
                    format: "%7d images  %7.2f s  %9.0f images/s", images, seconds,
                    Double(images) / seconds))
    }
}

extension DataBenchmarks {
    /// How hard the synthetic set is for linear models on raw pixels: nearest class centroid
    /// and softmax regression (SGD) on 24x24 area-downscaled, standardised images.
    static func difficulty(scale: Double = 0.25, seed: UInt64 = 1, epochs: Int = 30) {
        let data = SyntheticFER.generate(.init(scale: scale, seed: seed))
        func features(_ set: ImageDataset) -> [[Float]] {
            (0..<set.count).map { i in
                let v = set.image(at: i).resized(height: 24, width: 24, method: .area).pixels.map {
                    Float($0) / 255
                }
                let mean = v.reduce(0, +) / Float(v.count)
                let sd = max(
                    1e-3,
                    (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(v.count)).squareRoot()
                )
                return v.map { ($0 - mean) / sd }
            }
        }
        let xTrain = features(data.train), xTest = features(data.test)
        let yTrain = data.train.labels, yTest = data.test.labels
        let d = xTrain[0].count, k = 7
        // Nearest centroid.
        var centroids = [[Float]](repeating: [Float](repeating: 0, count: d), count: k)
        for (x, y) in zip(xTrain, yTrain) { for j in 0..<d { centroids[y][j] += x[j] } }
        let counts = data.train.classCounts
        for c in 0..<k { for j in 0..<d { centroids[c][j] /= Float(counts[c]) } }
        func nearest(_ x: [Float]) -> Int {
            (0..<k).min { a, b in
                zip(x, centroids[a]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                    < zip(x, centroids[b]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            }!
        }
        let centroidAccuracy =
            Double(zip(xTest, yTest).filter { nearest($0.0) == $0.1 }.count) / Double(yTest.count)
        // Softmax regression.
        var w = [Float](repeating: 0, count: d * k), b = [Float](repeating: 0, count: k)
        var order = Array(0..<xTrain.count)
        var rng = SplitMix64(seed: 7)
        func logits(_ x: [Float]) -> [Float] {
            (0..<k).map { c in
                var s = b[c]; for j in 0..<d { s += w[j * k + c] * x[j] }; return s
            }
        }
        for epoch in 0..<epochs {
            order.shuffle(using: &rng)
            let lr: Float = 0.01 / (1 + Float(epoch) * 0.2)
            for i in order {
                let z = logits(xTrain[i]), m = z.max()!
                let e = z.map { exp($0 - m) }, s = e.reduce(0, +)
                for c in 0..<k {
                    let g = e[c] / s - (c == yTrain[i] ? 1 : 0)
                    b[c] -= lr * g
                    for j in 0..<d { w[j * k + c] -= lr * (g * xTrain[i][j] + 1e-4 * w[j * k + c]) }
                }
            }
        }
        func predict(_ x: [Float]) -> Int {
            let z = logits(x); return z.indices.max { z[$0] < z[$1] }!
        }
        let trainAccuracy =
            Double(zip(xTrain, yTrain).filter { predict($0.0) == $0.1 }.count)
            / Double(yTrain.count)
        let testAccuracy =
            Double(zip(xTest, yTest).filter { predict($0.0) == $0.1 }.count) / Double(yTest.count)
        let majority = Double(data.test.classCounts.max()!) / Double(data.test.count)
        print(
            String(
                format:
                    "data  difficulty (scale %.2f): majority %.1f%%, nearest centroid %.1f%%, softmax regression train %.1f%% / test %.1f%%",
                scale, majority * 100, centroidAccuracy * 100, trainAccuracy * 100,
                testAccuracy * 100))
    }
}

extension DataBenchmarks {
    /// A small CNN (3 conv blocks 16/32/64, dense 7) trained a few epochs with Adam on the
    /// synthetic set, straight on Tensors ops: the difficulty figure the dataset README quotes.
    static func cnnDifficulty(
        scale: Double = 0.25, seed: UInt64 = 1, epochs: Int = 5, augment: Bool = false
    ) {
        let data = SyntheticFER.generate(.init(scale: scale, seed: seed))
        var rng = RandomGenerator(seed: 11)
        let shapes: [[Int]] = [
            [3, 3, 1, 16], [16], [3, 3, 16, 32], [32], [3, 3, 32, 64], [64], [6 * 6 * 64, 7], [7],
        ]
        let params = shapes.map { shape in
            Parameter(
                shape.count == 1
                    ? Tensor(zeros: shape) : Initializer.glorotUniform.make(shape, generator: &rng))
        }
        func forward(_ x: Tensor) -> Tensor {
            var h = x
            for block in 0..<3 {
                h = relu(
                    conv2d(h, filter: params[2 * block].value, padding: .same)
                        + params[2 * block + 1].value)
                h = maxPool2d(h, size: (2, 2), strides: (2, 2))
            }
            return matmul(h.flattened(), params[6].value) + params[7].value
        }
        var m = params.map { Tensor(zeros: $0.shape) }, v = m
        var step = 0
        let pipeline = BatchPipeline(
            data.train, batchSize: 32, seed: 3, augmentation: augment ? .fer2013Report : .none)
        for epoch in 0..<epochs {
            var seen = 0, correct = 0
            for batch in pipeline.tensorBatches(epoch: epoch) {
                for p in params { p.zeroGradient() }
                let logits = forward(batch.images)
                let loss = softmaxCrossEntropy(
                    logits: logits, labels: oneHot(batch.labels, depth: 7))
                loss.backward()
                correct +=
                    zip(logits.detached.argmaxLastAxis(), batch.labels).filter { $0 == $1 }.count
                seen += batch.labels.count
                step += 1
                let lr: Float = 1e-3, b1: Float = 0.9, b2: Float = 0.999
                let alpha =
                    lr * (1 - pow(b2, Float(step))).squareRoot() / (1 - pow(b1, Float(step)))
                withoutGradients {
                    for (i, p) in params.enumerated() {
                        let g = p.gradient!
                        m[i] = b1 * m[i] + (1 - b1) * g
                        v[i] = b2 * v[i] + (1 - b2) * g * g
                        p.value = p.value - alpha * m[i] / (sqrt(v[i]) + 1e-7)
                    }
                }
            }
            let test = BatchPipeline(data.test, batchSize: 256, shuffle: false)
            var testCorrect = 0
            withoutGradients {
                for batch in test.tensorBatches(epoch: 0) {
                    testCorrect +=
                        zip(forward(batch.images).argmaxLastAxis(), batch.labels).filter {
                            $0 == $1
                        }.count
                }
            }
            print(
                String(
                    format:
                        "data  small CNN epoch %d (scale %.2f, %d train): train acc %.1f%%, test acc %.1f%%",
                    epoch + 1, scale, data.train.count, 100 * Double(correct) / Double(seen),
                    100 * Double(testCorrect) / Double(data.test.count)))
        }
    }
}
