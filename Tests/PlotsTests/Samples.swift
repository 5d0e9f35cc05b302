import Foundation
@testable import Plots

/// Fixed figures shared by the golden, structural and gallery tests.
enum Samples {
    static let classes = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]

    /// Curves shaped like a real run: accuracy rising and flattening, validation below.
    static func curve(_ epochs: Int, start: Double, end: Double, rate: Double, wobble: Double, phase: Double) -> [Double] {
        (0..<epochs).map { e in
            let t = Double(e)
            return end - (end - start) * exp(-rate * t) + wobble * sin(t * 1.7 + phase)
        }
    }

    static var accuracy: Figure {
        Figure.lines(title: "MobileNetV2 accuracy", xLabel: "Epoch", yLabel: "Accuracy",
                     series: [Series(name: "train", y: curve(20, start: 0.30, end: 0.66, rate: 0.18, wobble: 0.004, phase: 0)),
                              Series(name: "validation", y: curve(20, start: 0.29, end: 0.52, rate: 0.22, wobble: 0.012, phase: 1))],
                     markers: [Marker(x: 14, label: "best epoch (restored)")])
    }

    static var loss: Figure {
        Figure.lines(title: "MobileNetV2 loss", xLabel: "Epoch", yLabel: "Loss",
                     series: [Series(name: "train", y: curve(20, start: 1.85, end: 0.92, rate: 0.2, wobble: 0.01, phase: 0)),
                              Series(name: "validation", y: curve(20, start: 1.8, end: 1.28, rate: 0.25, wobble: 0.02, phase: 2))],
                     markers: [Marker(x: 14, label: "best")])
    }
}
