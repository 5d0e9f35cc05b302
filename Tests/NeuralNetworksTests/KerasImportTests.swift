import Foundation
import Testing
import Tensors
@testable import NeuralNetworks

private struct Parity: Decodable { let outputShape: [Int]; let output: [Float] }

/// x_i = sin(0.1·i + 0.3·cos(0.013·i)), as make_nn_fixtures.py's fixed_input.
func fixedInput(_ shape: [Int], scale: Float = 1) -> Tensor {
    let n = shape.reduce(1, *)
    return Tensor(
        shape: shape,
        scalars: (0..<n).map { i in
            Float(sin(0.1 * Double(i) + 0.3 * cos(0.013 * Double(i)))) * scale
        })
}

func maxRelativeError(_ a: [Float], _ b: [Float]) -> Float {
    let scale = max(1, b.map { abs($0) }.max() ?? 1)
    return zip(a, b).map { abs($0 - $1) }.max()! / scale
}

@Suite("Keras weight files load and reproduce Keras' outputs")
struct KerasImportTests {
    @Test(
        "the legacy MobileNetV2 .h5 with 2018 layer names loads by name and matches Keras to 1e-4")
    func mobileNetByName() throws {
        let parity = try fixtureJSON("mobilenetv2_parity.json", as: Parity.self)
        let m = try MobileNetV2(
            alpha: 0.35, includeTop: false, inputShape: [40, 40, 3],
            weights: fixtureURL("mobilenetv2_a035_40_legacy.h5"))
        let y = m.predict(fixedInput([1, 40, 40, 3]))
        #expect(y.shape == parity.outputShape)
        #expect(maxRelativeError(y.scalars, parity.output) < 1e-4)
    }

    @Test("the same file loads by order, as Keras' load_weights does")
    func mobileNetByOrder() throws {
        let parity = try fixtureJSON("mobilenetv2_parity.json", as: Parity.self)
        let m = try MobileNetV2(alpha: 0.35, includeTop: false, inputShape: [40, 40, 3])
        try m.loadKerasWeights(
            from: fixtureURL("mobilenetv2_a035_40_legacy.h5"), matching: .byOrder)
        #expect(
            maxRelativeError(m.predict(fixedInput([1, 40, 40, 3])).scalars, parity.output) < 1e-4)
    }

    @Test("2018 MobileNetV2 names map to today's")
    func legacyNames() {
        #expect(legacyMobileNetV2Name("block_1_expand") == "mobl1_conv_1_expand")
        #expect(legacyMobileNetV2Name("block_12_depthwise_BN") == "bn12_conv_12_bn_depthwise")
        #expect(legacyMobileNetV2Name("expanded_conv_project_BN") == "bn0_conv_0_bn_project")
        #expect(legacyMobileNetV2Name("Conv_1_bn") == "Conv_1_bn")
    }

    @Test("ResNet50 with every weight a function of its name matches Keras' output")
    func resNetParity() throws {
        let parity = try fixtureJSON("resnet50_parity.json", as: Parity.self)
        let m = try ResNet50(includeTop: false, inputShape: [32, 32, 3])
        let arrays = m.namedWeights.map { (key, w) -> NamedArray in
            let layer = String(key[..<key.lastIndex(of: ".")!]),
                variable = String(key[key.index(after: key.lastIndex(of: ".")!)...])
            return NamedArray(
                name: key, shape: w.parameter.shape,
                values: deterministicWeight(name: layer + "/" + variable, shape: w.parameter.shape))
        }
        try m.loadWeights(arrays, source: "deterministic")
        let y = m.predict(fixedInput([1, 32, 32, 3], scale: 50))
        #expect(y.shape == parity.outputShape)
        #expect(maxRelativeError(y.scalars, parity.output) < 1e-4)
    }

    @Test("a Keras 3 .keras archive loads through its zip and config.json")
    func kerasArchive() throws {
        struct Out: Decodable { let output: [Float] }
        let expected = try fixtureJSON("tiny_keras.json", as: Out.self)
        let m = Sequential(name: "tiny") {
            Conv2D(4, kernel: 3, padding: .same, name: "c1"); BatchNorm(name: "bn1");
            ReLU(name: "r1")
            Conv2D(3, kernel: 3, strides: 2, name: "c2"); GlobalAveragePooling(name: "gap");
            Dense(5, name: "d1")
        }
        m.build(inputShape: [8, 8, 1])
        try m.loadKerasWeights(from: fixtureURL("tiny.keras"))
        #expect(
            maxRelativeError(m.predict(fixedInput([2, 8, 8, 1])).scalars, expected.output) < 1e-4)
    }

    @Test(
        "one training step of the archive model: loss, every gradient and BN statistics equal Keras'"
    )
    func wholeModelGradients() throws {
        struct Step: Decodable {
            let labels: [Int]; let loss: Float; let gradients: [String: [Float]];
            let state: [String: [Float]]
        }
        let expected = try fixtureJSON("tiny_gradients.json", as: Step.self)
        let m = Sequential(name: "tiny") {
            Conv2D(4, kernel: 3, padding: .same, name: "c1"); BatchNorm(name: "bn1");
            ReLU(name: "r1")
            Conv2D(3, kernel: 3, strides: 2, name: "c2"); GlobalAveragePooling(name: "gap");
            Dense(5, name: "d1")
        }
        m.build(inputShape: [8, 8, 1])
        try m.loadKerasWeights(from: fixtureURL("tiny.keras"))
        let loss = TrainingPass.run(seed: 0, step: 0) { _ in
            let l = softmaxCrossEntropy(
                logits: m(fixedInput([2, 8, 8, 1])), labels: oneHot(expected.labels, depth: 5))
            l.backward()
            return l.scalar
        }
        #expect(abs(loss - expected.loss) < 1e-5)
        let weights = Dictionary(
            uniqueKeysWithValues: m.namedWeights.map { ($0.key, $0.weight.parameter) })
        #expect(Set(expected.gradients.keys) == Set(weights.filter { $0.value.isTrainable }.keys))
        for (key, g) in expected.gradients {
            let mine = weights[key]!.gradient!.scalars
            #expect(maxRelativeError(mine, g) < 1e-4, "gradient of \(key)")
        }
        for (key, v) in expected.state {
            #expect(
                maxRelativeError(weights[key]!.value.scalars, v) < 1e-5, "\(key) after the step")
        }
    }

    @Test("a deflated (re-zipped) .keras archive loads the same weights")
    func deflatedArchive() throws {
        struct Out: Decodable { let output: [Float] }
        let expected = try fixtureJSON("tiny_keras.json", as: Out.self)
        let m = Sequential(name: "tiny") {
            Conv2D(4, kernel: 3, padding: .same, name: "c1"); BatchNorm(name: "bn1");
            ReLU(name: "r1")
            Conv2D(3, kernel: 3, strides: 2, name: "c2"); GlobalAveragePooling(name: "gap");
            Dense(5, name: "d1")
        }
        m.build(inputShape: [8, 8, 1])
        try m.loadKerasWeights(from: fixtureURL("tiny_deflated.keras"))
        #expect(
            maxRelativeError(m.predict(fixedInput([2, 8, 8, 1])).scalars, expected.output) < 1e-4)
        let stored = try ZipArchive(contentsOf: fixtureURL("tiny.keras"))
        let deflated = try ZipArchive(contentsOf: fixtureURL("tiny_deflated.keras"))
        #expect(try stored.contents(of: "config.json") == deflated.contents(of: "config.json"))
    }

    @Test("a truncated archive gives an error naming the file")
    func truncatedArchive() throws {
        let url = try temporaryDirectory().appendingPathComponent("cut.keras")
        let data = try Data(contentsOf: fixtureURL("tiny_deflated.keras"))
        try data.prefix(data.count / 2).write(to: url)
        #expect { try KerasWeightFile.read(url) } throws: { "\($0)".contains(url.path) }
    }

    @Test(
        "an archive whose deflated member is damaged gives zlib's reason and names the file and the member"
    )
    func damagedDeflateStream() throws {
        let url = try temporaryDirectory().appendingPathComponent("damaged.keras")
        var data = try Data(contentsOf: fixtureURL("tiny_deflated.keras"))
        let member = try #require(
            ZipArchive(contentsOf: fixtureURL("tiny_deflated.keras")).entries
                .first { $0.name == "model.weights.h5" && $0.method == 8 })
        let h = member.localHeaderOffset
        let start =
            h + 30 + Int(data[h + 26]) + Int(data[h + 27]) << 8 + Int(data[h + 28]) + Int(
                data[h + 29]) << 8
        // 0xFF: a final block of the reserved type 11, which no inflater accepts.
        data.replaceSubrange(
            start..<(start + member.compressedSize),
            with: [UInt8](repeating: 0xFF, count: member.compressedSize))
        try data.write(to: url)
        #expect { try KerasWeightFile.read(url) } throws: { error in
            let text = "\(error)"
            return text.contains(url.path) && text.contains("cannot inflate 'model.weights.h5'")
                && text.contains("invalid block type")
        }
    }

    @Test(
        "weights that do not fit by name give one error listing every problem, and change nothing")
    func mismatch() throws {
        // Not a Keras application (no architecture to compare): matched by name, every difference listed.
        let m = Sequential(name: "stem") {
            Conv2D(24, kernel: 3, strides: 2, padding: .same, useBias: false, name: "Conv1")
            BatchNorm(epsilon: 1e-3, name: "bn_Conv1")
        }
        m.build(inputShape: [32, 32, 3])
        let before = m.weightsSnapshot()
        #expect {
            try m.loadKerasWeights(
                from: fixtureURL("mobilenetv2_a035_40_legacy.h5"), matching: .byName)
        } throws: { e in
            let text = "\(e)"
            return text.contains(
                "mis-shaped 5: Conv1.kernel is [3, 3, 3, 16] in the file, the model needs [3, 3, 3, 24]"
            )
                && text.contains("unexpected 255: ") && text.contains(", … and 243 more")
        }
        #expect(m.weightsSnapshot() == before)
        #expect(throws: WeightFileError.self) {
            try m.loadKerasWeights(from: fixtureURL("metrics.json"))
        }
    }

    @Test(
        "a file of another alpha or architecture is refused with what it holds and which file would fit"
    )
    func otherArchitecture() throws {
        let wide = try MobileNetV2(alpha: 1.0, includeTop: false, inputShape: [32, 32, 3])
        let before = wide.weightsSnapshot()
        #expect {
            try wide.loadKerasWeights(from: fixtureURL("mobilenetv2_a035_40_legacy.h5"))
        } throws: { e in
            "\(e)".contains(
                "holds the weights of MobileNetV2 (alpha 0.35) without top, but the model is "
                    + "MobileNetV2 (alpha 1.0) without top; its Keras weight file is "
                    + "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5")
        }
        #expect(wide.weightsSnapshot() == before)
        let resnet = try ResNet50(includeTop: false, inputShape: [32, 32, 3])
        #expect {
            try resnet.loadKerasWeights(from: fixtureURL("mobilenetv2_a035_40_legacy.h5"))
        } throws: { e in
            "\(e)".contains(
                "holds the weights of MobileNetV2 (alpha 0.35) without top, but the model is ResNet50 "
                    + "without top; its Keras weight file is resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
            )
        }
        let topped = try MobileNetV2(
            alpha: 0.35, includeTop: true, classes: 7, inputShape: [32, 32, 3])
        #expect {
            try topped.loadKerasWeights(from: fixtureURL("mobilenetv2_a035_40_legacy.h5"))
        } throws: { e in
            "\(e)".contains("but the model is MobileNetV2 (alpha 0.35) with a 7-class top")
        }
    }

    @Test(
        "by position, the first pair of layers whose shapes differ is named with both names and shapes"
    )
    func positionMismatch() throws {
        let m = Sequential(name: "custom") {
            Conv2D(16, kernel: 3, strides: 2, padding: .same, useBias: false, name: "stem")
            BatchNorm(epsilon: 1e-3, name: "stem_bn")
            Conv2D(8, kernel: 3, padding: .same, name: "odd")
        }
        m.build(inputShape: [32, 32, 3])
        let before = m.weightsSnapshot()
        #expect {
            try m.loadKerasWeights(from: fixtureURL("mobilenetv2_a035_40_legacy.h5"))
        } throws: { e in
            let text = "\(e)"
            return text.contains(
                "loading by position (as Keras does), layer 3 with weights differs: the file's "
                    + "'mobl0_conv_0_depthwise' has [3, 3, 16, 1], [16]")
                || text.contains("layer 3 with weights differs")
                    && text.contains("the model's 'odd' has [3, 3, 16, 8], [8]")
        }
        #expect(m.weightsSnapshot() == before)
        // Same shapes as far as the model goes, but the file has more layers.
        let short = Sequential(name: "short") {
            Conv2D(16, kernel: 3, strides: 2, padding: .same, useBias: false, name: "stem")
            BatchNorm(epsilon: 1e-3, name: "stem_bn")
        }
        short.build(inputShape: [32, 32, 3])
        #expect {
            try short.loadKerasWeights(from: fixtureURL("mobilenetv2_a035_40_legacy.h5"))
        } throws: { e in
            "\(e)".contains(
                "the model has 2; the first 2 match by position, then the file goes on with")
        }
    }
}

/// The fixture script's deterministic_value: h = Σ UTF-8 bytes mod 97,
/// bᵢ = sin(0.01·i·(1 + h mod 7) + h), scaled per variable.
func deterministicWeight(name: String, shape: [Int]) -> [Float] {
    let h = name.utf8.reduce(0) { $0 + Int($1) } % 97
    let n = shape.reduce(1, *)
    let variable = name.split(separator: "/").last!
    return (0..<n).map { i in
        let b = sin(0.01 * Double(i) * Double(1 + h % 7) + Double(h))
        switch variable {
        case "kernel": return Float(b * (3.0 / Double(shape.dropLast().reduce(1, *))).squareRoot())
        case "bias": return Float(0.05 * b)
        case "gamma": return Float(1 + 0.1 * b)
        case "moving_variance": return Float(1 + 0.25 * (1 + b))
        default: return Float(0.1 * b)
        }
    }
}
