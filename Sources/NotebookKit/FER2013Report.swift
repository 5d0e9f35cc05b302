import NeuralNetworks
import Vision

// What the FER-2013 report (the original the notebooks re-run) puts on the library, in one
// place: the classification heads it put on its bases and its training augmentation. The
// library targets stay general; a notebook sees these through NotebookKit.

/// The classification heads the report put on its bases.
public enum ReportHead {
    /// ResNet50: GAP → Dense(1024, ReLU) → Dropout(0.5) → Dense(classes, softmax).
    public static func resnet50(classes: Int = 7) -> [Layer] {
        [
            GlobalAveragePooling(name: "head_gap"),
            Dense(1024, activation: .relu, name: "head_dense"),
            Dropout(0.5, name: "head_dropout"),
            Dense(classes, activation: .softmax, name: "head_predictions"),
        ]
    }
    /// MobileNetV2: GAP → Dropout(0.5) → Dense(128, ReLU) → Dropout(0.5) → Dense(classes, softmax).
    public static func mobileNetV2(classes: Int = 7) -> [Layer] {
        [
            GlobalAveragePooling(name: "head_gap"), Dropout(0.5, name: "head_dropout_1"),
            Dense(128, activation: .relu, name: "head_dense"), Dropout(0.5, name: "head_dropout_2"),
            Dense(classes, activation: .softmax, name: "head_predictions"),
        ]
    }
    /// Attention CNN: GAP → Dense(128, ReLU) → Dense(classes, softmax).
    public static func attentionCNN(classes: Int = 7) -> [Layer] {
        [
            GlobalAveragePooling(name: "head_gap"),
            Dense(128, activation: .relu, name: "head_dense"),
            Dense(classes, activation: .softmax, name: "head_predictions"),
        ]
    }
}

extension Augmentation {
    /// The report's training augmentation: rotation 30°, shifts 0.2, shear 0.2°, zoom 0.2,
    /// horizontal flip, fill nearest.
    public static let fer2013Report = Augmentation(
        rotation: 30, widthShift: 0.2, heightShift: 0.2, shear: 0.2,
        zoom: 0.2, horizontalFlip: true, fillMode: .nearest)
}
