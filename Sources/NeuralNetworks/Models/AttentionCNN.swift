// swift-format-ignore: AlwaysUseLowerCamelCase
// (named like a type on purpose: Keras' spelling of what it builds)
/// The report's attention CNN: stages of two 3x3 conv–BN–ReLU, a CBAM block and 2x2 max
/// pooling; then the head (global average pooling, Dense(128, ReLU), optional Dropout, softmax),
/// as the report describes it (no dropout by default).
public func AttentionCNN(
    classes: Int = 7, filters: [Int] = [32, 64, 128], dense: Int = 128,
    dropout: Float = 0, inputShape: [Int] = [48, 48, 1], seed: UInt64 = 0
) -> Sequential {
    let model = Sequential(name: "attention_cnn") {
        for (i, f) in filters.enumerated() {
            Conv2D(f, kernel: 3, padding: .same, useBias: false, name: "stage\(i + 1)_conv1")
            BatchNorm(name: "stage\(i + 1)_bn1")
            ReLU(name: "stage\(i + 1)_relu1")
            Conv2D(f, kernel: 3, padding: .same, useBias: false, name: "stage\(i + 1)_conv2")
            BatchNorm(name: "stage\(i + 1)_bn2")
            ReLU(name: "stage\(i + 1)_relu2")
            CBAM(channels: f, name: "stage\(i + 1)_cbam")
            MaxPool2D(2, name: "stage\(i + 1)_pool")
        }
        GlobalAveragePooling(name: "gap")
        Dense(dense, activation: .relu, name: "fc")
        if dropout > 0 { Dropout(dropout, name: "fc_dropout") }
        Dense(classes, activation: .softmax, name: "predictions")
    }
    model.build(inputShape: inputShape, seed: seed)
    return model
}
