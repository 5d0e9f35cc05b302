/// The classification heads the report put on its bases.
public enum ReportHead {
    /// ResNet50: GAP → Dense(1024, ReLU) → Dropout(0.5) → Dense(classes, softmax).
    public static func resnet50(classes: Int = 7) -> [Layer] {
        [GlobalAveragePooling(name: "head_gap"), Dense(1024, activation: .relu, name: "head_dense"),
         Dropout(0.5, name: "head_dropout"), Dense(classes, activation: .softmax, name: "head_predictions")]
    }
    /// MobileNetV2: GAP → Dropout(0.5) → Dense(128, ReLU) → Dropout(0.5) → Dense(classes, softmax).
    public static func mobileNetV2(classes: Int = 7) -> [Layer] {
        [GlobalAveragePooling(name: "head_gap"), Dropout(0.5, name: "head_dropout_1"),
         Dense(128, activation: .relu, name: "head_dense"), Dropout(0.5, name: "head_dropout_2"),
         Dense(classes, activation: .softmax, name: "head_predictions")]
    }
    /// Attention CNN: GAP → Dense(128, ReLU) → Dense(classes, softmax).
    public static func attentionCNN(classes: Int = 7) -> [Layer] {
        [GlobalAveragePooling(name: "head_gap"), Dense(128, activation: .relu, name: "head_dense"),
         Dense(classes, activation: .softmax, name: "head_predictions")]
    }
}
