import Foundation
import Tensors

// swift-format-ignore: AlwaysUseLowerCamelCase
// (named like a type on purpose: Keras' spelling of what it builds)
/// ResNet50 as Keras builds it (`keras/src/applications/resnet.py`): layer names
/// `conv{s}_block{b}_{k}_{conv|bn}`, biases on every convolution, BN ε = 1.001e-5, the
/// stride on each stage's first 1x1 (`_1_conv`) — not torchvision's "V1.5".
///
/// Input NHWC with 3 channels preprocessed "caffe" style (RGB→BGR, minus the ImageNet
/// means, no scaling). Without top the output is `[N, H/32, W/32, 2048]`.
public func ResNet50(
    includeTop: Bool = true, classes: Int = 1000, inputShape: [Int] = [224, 224, 3],
    weights: URL? = nil, seed: UInt64 = 0
) throws -> Sequential {
    guard inputShape.count == 3, inputShape[0] >= 32, inputShape[1] >= 32 else {
        throw WeightFileError(
            "ResNet50: input shape must be [H, W, C] with H, W ≥ 32, got \(inputShape)")
    }
    var layers: [Layer] = [
        ZeroPadding2D(3, name: "conv1_pad"),
        Conv2D(64, kernel: 7, strides: 2, name: "conv1_conv"),
        BatchNorm(epsilon: 1.001e-5, name: "conv1_bn"),
        ReLU(name: "conv1_relu"),
        ZeroPadding2D(1, name: "pool1_pad"),
        MaxPool2D(3, strides: 2, name: "pool1_pool"),
    ]
    for (stage, (filters, blocks, stride)) in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]
        .enumerated()
    {
        for b in 1...blocks {
            layers.append(
                bottleneck(
                    filters: filters, stride: b == 1 ? stride : 1, projection: b == 1,
                    name: "conv\(stage + 2)_block\(b)"))
        }
    }
    if includeTop {
        layers += [
            GlobalAveragePooling(name: "avg_pool"),
            Dense(classes, activation: .softmax, name: "predictions"),
        ]
    }
    let model = Sequential(name: "resnet50", layers: layers)
    model.build(inputShape: inputShape, seed: seed)
    if let weights { try model.loadKerasWeights(from: weights) }
    return model
}

/// Keras' `block1`: 1x1 (stride) → 3x3 → 1x1 (4·filters), added to the shortcut, then ReLU.
func bottleneck(filters: Int, stride: Int, projection: Bool, name: String) -> Layer {
    let eps: Float = 1.001e-5
    let shortcut: Layer? =
        projection
        ? Sequential(name: name + "_0") {
            Conv2D(4 * filters, kernel: 1, strides: stride, name: name + "_0_conv")
            BatchNorm(epsilon: eps, name: name + "_0_bn")
        } : nil
    let body = Sequential(name: name) {
        Conv2D(filters, kernel: 1, strides: stride, name: name + "_1_conv")
        BatchNorm(epsilon: eps, name: name + "_1_bn")
        ReLU(name: name + "_1_relu")
        Conv2D(filters, kernel: 3, padding: .same, name: name + "_2_conv")
        BatchNorm(epsilon: eps, name: name + "_2_bn")
        ReLU(name: name + "_2_relu")
        Conv2D(4 * filters, kernel: 1, name: name + "_3_conv")
        BatchNorm(epsilon: eps, name: name + "_3_bn")
    }
    return Sequential(name: name + "_unit") {
        Residual(name: name + "_add", shortcut: shortcut, body: body)
        ReLU(name: name + "_out")
    }
}
