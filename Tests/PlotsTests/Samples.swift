import Foundation
@testable import Plots

/// Fixed figures shared by the golden, structural and gallery tests.
enum Samples {
    static let classes = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]
    /// FER-2013 training images per class.
    static let trainCounts: [Double] = [3995, 436, 4097, 7215, 4965, 4830, 3171]

    /// A curve shaped like a real run: rising (or falling) and flattening, with a wobble.
    static func curve(
        _ epochs: Int, start: Double, end: Double, rate: Double, wobble: Double,
        phase: Double
    ) -> [Double] {
        (0..<epochs).map { e in
            let t = Double(e)
            return end - (end - start) * exp(-rate * t) + wobble * sin(t * 1.7 + phase)
        }
    }

    static var accuracy: Figure {
        Figure.lines(
            title: "MobileNetV2 accuracy", xLabel: "Epoch", yLabel: "Accuracy",
            series: [
                Series(
                    name: "train",
                    y: curve(20, start: 0.30, end: 0.66, rate: 0.18, wobble: 0.004, phase: 0)),
                Series(
                    name: "validation",
                    y: curve(20, start: 0.29, end: 0.52, rate: 0.22, wobble: 0.012, phase: 1)),
            ],
            markers: [Marker(x: 14, label: "best epoch (restored)")])
    }

    static var loss: Figure {
        Figure.lines(
            title: "MobileNetV2 loss", xLabel: "Epoch", yLabel: "Loss",
            series: [
                Series(
                    name: "train",
                    y: curve(20, start: 1.85, end: 0.92, rate: 0.2, wobble: 0.01, phase: 0)),
                Series(
                    name: "validation",
                    y: curve(20, start: 1.8, end: 1.28, rate: 0.25, wobble: 0.02, phase: 2)),
            ],
            markers: [Marker(x: 14, label: "best")])
    }

    /// Three models in one panel: model colour, train solid and validation dashed.
    static var threeModels: Figure {
        let models: [(String, Double, Double)] = [
            ("Simple CNN", 0.55, 0.50), ("MobileNetV2", 0.66, 0.52),
            ("EfficientNetB0", 0.27, 0.25),
        ]
        var series: [Series] = []
        for (i, (name, train, val)) in models.enumerated() {
            series.append(
                Series(
                    name: "\(name) train",
                    y: curve(
                        15, start: 0.25, end: train, rate: 0.25, wobble: 0.004, phase: Double(i)),
                    color: Color.palette(i), dash: .solid, symbol: .hidden))
            series.append(
                Series(
                    name: "\(name) validation",
                    y: curve(
                        15, start: 0.25, end: val, rate: 0.3, wobble: 0.01, phase: Double(i) + 1),
                    color: Color.palette(i), dash: .dashed, symbol: .hidden))
        }
        return Figure.lines(
            title: "Accuracy of three models", xLabel: "Epoch", yLabel: "Accuracy",
            series: series, width: 460)
    }

    static var sideBySide: Figure {
        let names = ["Simple CNN", "MobileNetV2", "EfficientNetB0"]
        let ends: [(Double, Double)] = [(0.55, 0.50), (0.66, 0.52), (0.27, 0.25)]
        let figures = zip(names, ends).enumerated().map { i, pair in
            Figure.lines(
                title: pair.0, xLabel: "Epoch", yLabel: i == 0 ? "Accuracy" : nil,
                series: [
                    Series(
                        name: "train",
                        y: curve(
                            15, start: 0.25, end: pair.1.0, rate: 0.25, wobble: 0.004, phase: 0)),
                    Series(
                        name: "validation",
                        y: curve(15, start: 0.24, end: pair.1.1, rate: 0.3, wobble: 0.01, phase: 1)),
                ],
                yRange: AxisRange(0.2, 0.7))
        }
        return Figure.grid(
            figures, columns: 3, title: "Training and validation accuracy", height: 220)
    }

    static var distribution: Figure {
        Figure.bars(
            title: "Training images per class", categories: classes, values: trainCounts,
            valueLabel: "Images", valueFormat: .integer)
    }

    static let f1: [[Double]] = [
        [0.42, 0.21, 0.33, 0.78, 0.49, 0.40, 0.70],
        [0.47, 0.35, 0.38, 0.81, 0.52, 0.43, 0.72],
        [0.00, 0.00, 0.00, 0.40, 0.00, 0.00, 0.00],
    ]

    static var groupedF1: Figure {
        Figure.bars(
            title: "F1 per class", categories: classes,
            groups: [
                BarGroup(name: "Simple CNN", values: f1[0]),
                BarGroup(name: "MobileNetV2", values: f1[1]),
                BarGroup(name: "EfficientNetB0", values: f1[2]),
            ],
            valueLabel: "F1 score", valueRange: AxisRange(0, 1), width: 460)
    }

    static var horizontal: Figure {
        Figure.bars(
            title: "Validation accuracy by configuration",
            categories: [
                "MobileNetV2, ImageNet weights, frozen base",
                "MobileNetV2, fine-tuned last 30 layers",
                "Simple CNN with augmentation", "EfficientNetB0 (collapsed)",
            ],
            values: [0.512, 0.546, 0.498, 0.248], orientation: .horizontal,
            valueLabel: "Accuracy", valueFormat: .percent(1), valueRange: nil)
    }

    static let confusion: [[Int]] = [
        [262, 4, 48, 40, 71, 68, 15],
        [12, 28, 6, 3, 2, 4, 1],
        [55, 3, 210, 37, 69, 96, 54],
        [22, 0, 19, 1584, 71, 38, 40],
        [40, 1, 35, 75, 865, 182, 35],
        [66, 3, 80, 56, 204, 520, 18],
        [10, 1, 39, 37, 20, 9, 715],
    ]

    static var confusionMatrix: Figure {
        Figure.confusionMatrix(
            counts: confusion, labels: classes, normalize: .rows,
            title: "MobileNetV2 on the test set")
    }

    /// A 48x48 synthetic face: oval, eyes, brows and a mouth whose curve follows `smile`.
    static func face(smile: Double, brow: Double, seed: Int) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: 48 * 48)
        var state = UInt64(seed) &* 6_364_136_223_846_793_005 &+ 1
        func noise() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 40) / Double(1 << 24) - 0.5
        }
        for y in 0..<48 {
            for x in 0..<48 {
                let dx = (Double(x) - 23.5) / 17, dy = (Double(y) - 25) / 21
                var v = 40.0 + Double(y) * 0.6
                if dx * dx + dy * dy < 1 { v = 175 - 40 * (dx * dx + dy * dy) }
                for ex in [16.0, 31.0] where hypot(Double(x) - ex, Double(y) - 20) < 2.6 { v = 35 }
                for bx in [16.0, 31.0] {
                    let by = 14.5 + brow * (Double(x) - bx) * (bx < 24 ? 0.25 : -0.25)
                    if abs(Double(x) - bx) < 4.5 && abs(Double(y) - by) < 0.9 { v = 60 }
                }
                let mx = (Double(x) - 23.5) / 8
                if abs(mx) < 1 && abs(Double(y) - (34 + smile * 3 * (1 - mx * mx))) < 1.1 { v = 70 }
                pixels[y * 48 + x] = quantize(v + noise() * 16)
            }
        }
        return pixels
    }

    static let expressions: [(smile: Double, brow: Double)] = [
        (-0.8, 1), (-0.6, 0.6), (-0.3, -0.8), (1, 0), (0, 0), (-1, -0.5), (0.3, -1.2),
    ]

    static var samplesPerClass: Figure {
        let images = classes.indices.map { c in
            GridImage(
                pixels: face(smile: expressions[c].smile, brow: expressions[c].brow, seed: c),
                width: 48, height: 48, caption: classes[c])
        }
        return Figure.imageGrid(title: "One training sample per class", columns: 7, images: images)
    }

    static var misclassified: Figure {
        let pairs = [(0, 5), (2, 5), (4, 5), (5, 4), (1, 0), (6, 2)]
        let images = pairs.enumerated().map { i, pair in
            GridImage(
                pixels: face(
                    smile: expressions[pair.0].smile, brow: expressions[pair.0].brow, seed: 10 + i),
                width: 48, height: 48,
                caption: [
                    CaptionLine("true: \(classes[pair.0])"),
                    CaptionLine("pred: \(classes[pair.1])", tone: .wrong),
                ])
        }
        return Figure.imageGrid(title: "Misclassified test images", columns: 6, images: images)
    }

    static var gradCAM: Figure {
        let heat: [Double] = (0..<(12 * 12)).map { i in
            let x = Double(i % 12), y = Double(i / 12)
            return exp(-((x - 6) * (x - 6) + (y - 8.5) * (y - 8.5)) / 6) * 0.9
                + exp(-((x - 4) * (x - 4) + (y - 5) * (y - 5)) / 4) * 0.5
        }
        var images: [GridImage] = []
        for c in [3, 6, 5] {
            let base = GridImage(
                pixels: face(smile: expressions[c].smile, brow: expressions[c].brow, seed: 30 + c),
                width: 48, height: 48, caption: [CaptionLine(classes[c])])
            images.append(base)
            var cam = base.overlaid(heat: heat, width: 12, height: 12)
            cam.caption = [CaptionLine("Grad-CAM", tone: .muted)]
            images.append(cam)
        }
        return Figure.imageGrid(title: "Where the model looks", columns: 6, images: images)
    }

    /// Simple augmentations of a 48x48 image: mirror, shift, brightness, zoom.
    static func augment(_ p: [UInt8], _ kind: Int) -> [UInt8] {
        (0..<(48 * 48)).map { i in
            let x = i % 48, y = i / 48
            func at(_ x: Int, _ y: Int) -> UInt8 { p[min(47, max(0, y)) * 48 + min(47, max(0, x))] }
            switch kind {
            case 1: return at(47 - x, y)
            case 2: return at(x - 4, y + 3)
            case 3: return quantize(Double(p[i]) * 1.25 + 10)
            default: return at(24 + (x - 24) * 4 / 5, 24 + (y - 24) * 4 / 5)
            }
        }
    }

    static var augmentation: Figure {
        let names = ["original", "flipped", "shifted", "brighter", "zoomed"]
        var images: [GridImage] = []
        for (row, c) in [3, 5].enumerated() {
            let base = face(smile: expressions[c].smile, brow: expressions[c].brow, seed: 50 + c)
            for k in 0..<5 {
                images.append(
                    GridImage(
                        pixels: k == 0 ? base : augment(base, k), width: 48, height: 48,
                        caption: row == 1 ? [CaptionLine(names[k], tone: .muted)] : []))
            }
        }
        return Figure.imageGrid(
            title: "Augmentation preview", columns: 5, images: images,
            rowLabels: ["happy", "sad"], width: 330)
    }

    static var curvesHelper: Figure {
        Figure.trainingCurves(
            title: "Simple CNN loss", metric: "Loss",
            train: curve(12, start: 1.8, end: 1.1, rate: 0.3, wobble: 0.01, phase: 0).map {
                Float($0)
            },
            validation: curve(12, start: 1.75, end: 1.3, rate: 0.35, wobble: 0.02, phase: 1).map {
                Float($0)
            },
            bestEpoch: 9)
    }

    /// Every sample by name, in gallery order.
    static var all: [(name: String, figure: Figure)] {
        [
            ("accuracy", accuracy), ("loss", loss), ("curves-helper", curvesHelper),
            ("three-models", threeModels), ("side-by-side", sideBySide),
            ("distribution", distribution), ("grouped-f1", groupedF1), ("horizontal", horizontal),
            ("confusion", confusionMatrix), ("samples", samplesPerClass),
            ("augmentation", augmentation), ("misclassified", misclassified),
            ("grad-cam", gradCAM),
        ]
    }
}

extension Samples {
    /// Samples with committed golden PNGs.
    static let goldenNames = [
        "accuracy", "side-by-side", "distribution", "grouped-f1", "horizontal",
        "confusion", "misclassified", "grad-cam", "edge-nan", "edge-ten-classes",
    ]
}

extension Samples {
    /// Odd inputs, shown in the gallery's last section.
    static var edgeCases: [(name: String, figure: Figure)] {
        let long = [
            "angry", "disgusted beyond all reasonable measure", "fear", "happy", "neutral", "sad",
            "surprise", "contempt", "confused", "bored",
        ]
        let tenCounts = (0..<10).map { r in
            (0..<10).map { c in r == 9 ? 0 : (r == c ? 40 + 7 * r : (r * 7 + c * 3) % 9) }
        }
        return [
            (
                "edge-empty",
                Figure.lines(
                    title: "An empty series", xLabel: "Epoch", yLabel: "Accuracy",
                    series: [Series(name: "train", y: [Double]())], width: 240, height: 170)
            ),
            (
                "edge-one-epoch",
                Figure.lines(
                    title: "One epoch", xLabel: "Epoch", yLabel: "Accuracy",
                    series: [
                        Series(name: "train", y: [0.41]), Series(name: "validation", y: [0.38]),
                    ],
                    width: 240, height: 170)
            ),
            (
                "edge-nan",
                Figure.lines(
                    title: "NaN values leave gaps", xLabel: "Epoch", yLabel: "Loss",
                    series: [
                        Series(
                            name: "train",
                            y: [1.8, 1.5, .nan, 1.2, 1.1, 1.05, .nan, .nan, 0.97, 0.95]),
                        Series(
                            name: "validation",
                            y: [1.85, .nan, 1.45, 1.4, 1.35, 1.3, 1.31, 1.29, .nan, 1.28]),
                    ],
                    width: 240, height: 170)
            ),
            (
                "edge-constant",
                Figure.lines(
                    title: "Constant values", xLabel: "Epoch", yLabel: "Accuracy",
                    series: [Series(name: "collapsed", y: Array(repeating: 0.2471, count: 8))],
                    width: 240, height: 170)
            ),
            (
                "edge-one-class",
                Figure.confusionMatrix(counts: [[42]], labels: ["happy"], title: "One class")
            ),
            (
                "edge-ten-classes",
                Figure.confusionMatrix(
                    counts: tenCounts, labels: long,
                    title: "Ten classes, a long name, an empty row")
            ),
            (
                "edge-long-bars",
                Figure.bars(
                    title: "Long class names", categories: long,
                    values: [3995, 436, 4097, 7215, 4965, 4830, 3171, 120, 800, 40])
            ),
        ]
    }
}
