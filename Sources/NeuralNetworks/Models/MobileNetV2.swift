import Foundation
import Tensors

// swift-format-ignore: AlwaysUseLowerCamelCase
// (named like a type on purpose: Keras' spelling of what it builds)
/// MobileNetV2 as Keras builds it (`keras/src/applications/mobilenet_v2.py`; Sandler et
/// al., arXiv:1801.04381): same layer names, padding, BN ε = 1e-3 / momentum 0.999, no conv
/// biases, so Keras weight files load and parameter counts match Keras'.
///
/// ```swift
/// let base = try MobileNetV2(alpha: 1.0, includeTop: false, inputShape: [224, 224, 3],
///                            weights: URL(fileURLWithPath: "mobilenet_v2_…_no_top.h5"))
/// ```
/// Input: NHWC with 3 channels, preprocessed as x/127.5 − 1 (Keras' `preprocess_input`),
/// any size ≥ 32. Without top the output is `[N, H/32, W/32, 1280]` (1280·alpha when alpha > 1).
public func MobileNetV2(
    alpha: Double = 1.0, includeTop: Bool = true, classes: Int = 1000,
    inputShape: [Int] = [224, 224, 3], weights: URL? = nil, seed: UInt64 = 0
) throws -> Sequential {
    guard inputShape.count == 3, inputShape[0] >= 32, inputShape[1] >= 32 else {
        throw WeightFileError(
            "MobileNetV2: input shape must be [H, W, C] with H, W ≥ 32, got \(inputShape)")
    }
    guard alpha > 0 else {
        throw WeightFileError("MobileNetV2: alpha must be positive, got \(alpha)")
    }
    // (expansion t, output channels c, repeats n, first stride s), the paper's Table 2.
    let table: [(t: Int, c: Int, n: Int, s: Int)] = [
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
        (6, 320, 1, 1),
    ]
    var layers: [Layer] = [
        Conv2D(
            makeDivisible(32 * alpha), kernel: 3, strides: 2, padding: .same, useBias: false,
            name: "Conv1"),
        BatchNorm(epsilon: 1e-3, momentum: 0.999, name: "bn_Conv1"),
        ReLU6(name: "Conv1_relu"),
    ]
    var channels = makeDivisible(32 * alpha)
    var blockID = 0
    for row in table {
        for i in 0..<row.n {
            let out = makeDivisible(Double(Int(Double(row.c) * alpha)))
            layers.append(
                invertedResidual(
                    inChannels: channels, expansion: row.t, stride: i == 0 ? row.s : 1,
                    outChannels: out, blockID: blockID))
            channels = out
            blockID += 1
        }
    }
    let last = alpha > 1 ? makeDivisible(1280 * alpha) : 1280
    layers += [
        Conv2D(last, kernel: 1, useBias: false, name: "Conv_1"),
        BatchNorm(epsilon: 1e-3, momentum: 0.999, name: "Conv_1_bn"),
        ReLU6(name: "out_relu"),
    ]
    if includeTop {
        layers += [
            GlobalAveragePooling(name: "global_average_pooling2d"),
            Dense(classes, activation: .softmax, name: "predictions"),
        ]
    }
    let model = Sequential(
        name: String(format: "mobilenetv2_%.2f_%d", alpha, inputShape[0]), layers: layers)
    model.build(inputShape: inputShape, seed: seed)
    if let weights { try model.loadKerasWeights(from: weights) }
    return model
}

/// Keras' `_make_divisible(v, 8)`: the nearest multiple of 8, never below 8 nor 10% under v.
func makeDivisible(_ v: Double, divisor: Int = 8) -> Int {
    var n = max(divisor, Int(v + Double(divisor) / 2) / divisor * divisor)
    if Double(n) < 0.9 * v { n += divisor }
    return n
}

/// One inverted residual block: 1x1 expand (not in block 0), 3x3 depthwise, linear 1x1
/// project; an identity shortcut when the stride is 1 and channels are kept.
func invertedResidual(inChannels: Int, expansion: Int, stride: Int, outChannels: Int, blockID: Int)
    -> Layer
{
    let prefix = blockID == 0 ? "expanded_conv_" : "block_\(blockID)_"
    let body = Sequential(name: blockID == 0 ? "expanded_conv" : "block_\(blockID)") {
        if blockID > 0 {
            Conv2D(
                expansion * inChannels, kernel: 1, padding: .same, useBias: false,
                name: prefix + "expand")
            BatchNorm(epsilon: 1e-3, momentum: 0.999, name: prefix + "expand_BN")
            ReLU6(name: prefix + "expand_relu")
        }
        if stride == 2 { CorrectPad(kernel: 3, name: prefix + "pad") }
        DepthwiseConv2D(
            kernel: 3, strides: stride, padding: stride == 1 ? .same : .valid, useBias: false,
            name: prefix + "depthwise")
        BatchNorm(epsilon: 1e-3, momentum: 0.999, name: prefix + "depthwise_BN")
        ReLU6(name: prefix + "depthwise_relu")
        Conv2D(outChannels, kernel: 1, padding: .same, useBias: false, name: prefix + "project")
        BatchNorm(epsilon: 1e-3, momentum: 0.999, name: prefix + "project_BN")
    }
    if inChannels == outChannels && stride == 1 {
        return Residual(name: prefix + "add", body: body)
    }
    return body
}
