import Foundation
import Testing
import Tensors
@testable import NeuralNetworks

private struct KerasCounts: Decodable {
    struct Count: Decodable {
        let alpha: Double?, size: Int, includeTop: Bool, total: Int, trainable: Int,
            nonTrainable: Int
    }
    struct LayerRow: Decodable { let name: String, outputShape: [Int], params: Int }
    let mobilenetv2: [Count]
    let resnet50: [Count]
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // (the fixture's JSON key)
    let mobilenetv2_a035_48_layers: [LayerRow]
}

@Suite("The model zoo matches Keras' architectures")
struct ModelZooTests {
    private let counts = try! fixtureJSON("keras_counts.json", as: KerasCounts.self)

    @Test(
        "MobileNetV2 parameter counts equal Keras' for alpha 1.0 and 0.35, inputs 48/96/224, with and without top"
    )
    func mobileNetCounts() throws {
        for c in counts.mobilenetv2 {
            let m = try MobileNetV2(
                alpha: c.alpha!, includeTop: c.includeTop, inputShape: [c.size, c.size, 3])
            let p = m.parameterCounts
            #expect(
                p.total == c.total && p.trainable == c.trainable
                    && p.nonTrainable == c.nonTrainable,
                "alpha \(c.alpha!) size \(c.size) top \(c.includeTop): \(p) vs \(c.total)/\(c.trainable)/\(c.nonTrainable)"
            )
        }
    }

    @Test("MobileNetV2 alpha 1.0 without top has 2,257,984 parameters at 224x224x3")
    func mobileNetHeadline() throws {
        #expect(
            try MobileNetV2(alpha: 1.0, includeTop: false, inputShape: [224, 224, 3])
                .parameterCounts.total == 2_257_984)
    }

    @Test("ResNet50 parameter counts equal Keras' (23,587,712 without top)")
    func resNetCounts() throws {
        for c in counts.resnet50 where c.size <= 48 || !c.includeTop {
            let m = try ResNet50(
                includeTop: c.includeTop, inputShape: [min(c.size, 48), min(c.size, 48), 3])
            let p = m.parameterCounts
            #expect(
                p.total == c.total && p.trainable == c.trainable && p.nonTrainable == c.nonTrainable
            )
        }
        let top = try ResNet50(includeTop: true, inputShape: [32, 32, 3]).parameterCounts
        let keras = counts.resnet50.first { $0.includeTop }!
        #expect(top.total == keras.total && top.trainable == keras.trainable)
    }

    @Test(
        "the summary lists Keras' layer names, output shapes and parameter counts in Keras' order")
    func summaryMatchesKeras() throws {
        let m = try MobileNetV2(alpha: 0.35, includeTop: false, inputShape: [48, 48, 3])
        let s = m.summary(inputShape: [48, 48, 3])
        let keras = counts.mobilenetv2_a035_48_layers.filter { !$0.name.hasPrefix("input_layer") }
        #expect(s.rows.map(\.name) == keras.map(\.name))
        #expect(s.rows.map(\.outputShape) == keras.map(\.outputShape))
        #expect(s.rows.map(\.parameters) == keras.map(\.params))
        #expect(s.description.contains("Total params: 410,208"))
        #expect(s.description.contains("Non-trainable params: 14,080"))
    }

    @Test(
        "freezing a base makes its weights non-trainable and unfreezing restores them; BN statistics stay state"
    )
    func freezing() throws {
        let base = try MobileNetV2(alpha: 0.35, includeTop: false, inputShape: [32, 32, 3])
        let model = Sequential {
            base; mobileNetV2Head
        }
        model.build(inputShape: [32, 32, 3])
        base.isTrainable = false
        let frozen = model.parameterCounts
        #expect(frozen.trainable == 1280 * 128 + 128 + 128 * 7 + 7)
        base.isTrainable = true
        #expect(model.parameterCounts.nonTrainable == 14_080)
    }

    @Test("CBAM gates keep the input shape and the attention CNN classifies 7 classes")
    func cbam() {
        let model = AttentionCNN(classes: 7, filters: [8, 16], inputShape: [16, 16, 1])
        let y = model.predict(Tensor(repeating: 0.5, shape: [2, 16, 16, 1]))
        #expect(y.shape == [2, 7])
        let block = CBAM(channels: 32, name: "cbam")
        block.build(inputShape: [4, 4, 32])
        #expect(block.predict(Tensor(ones: [1, 4, 4, 32])).shape == [1, 4, 4, 32])
        // MLP 32→2→32 with biases, 7x7x2 spatial conv without bias.
        #expect(block.parameterCounts.total == (32 * 2 + 2) + (2 * 32 + 32) + 7 * 7 * 2)
    }

    @Test("default names are Keras-style and unique across nested models")
    func defaultNames() {
        let inner = Sequential {
            Conv2D(4, kernel: 3); Conv2D(4, kernel: 3)
        }
        let outer = Sequential {
            inner; Conv2D(4, kernel: 1); Dense(3)
        }
        let names = outer.allLayers.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(
            names.contains("conv2d") && names.contains("conv2d_1") && names.contains("conv2d_2")
                && names.contains("dense"))
        #expect(
            snakeCase("DepthwiseConv2D") == "depthwise_conv2d"
                && snakeCase("BatchNormalization") == "batch_normalization")
    }

    @Test("a Sequential body may throw, so a zoo model with weights goes inside it")
    func throwingBody() throws {
        let model = try Sequential {
            RepeatChannels(3)
            try MobileNetV2(
                alpha: 0.35, includeTop: false, inputShape: [40, 40, 3],
                weights: fixtureURL("mobilenetv2_a035_40_legacy.h5"))
            mobileNetV2Head
        }
        model.build(inputShape: [40, 40, 1], seed: 2)
        #expect(model.predict(Tensor(zeros: [2, 40, 40, 1])).shape == [2, 7])
        #expect { try Sequential { try MobileNetV2(inputShape: [16, 16, 3]) } } throws: {
            "\($0)".contains("≥ 32")
        }
    }

    @Test("the result builder accepts if and for")
    func builder() {
        let deep = true
        let m = Sequential {
            for f in [4, 8] { Conv2D(f, kernel: 3, padding: .same) }
            if deep { ReLU() } else { Sigmoid() }
            GlobalAveragePooling()
        }
        #expect(m.layers.count == 4)
        #expect(m.predict(Tensor(ones: [1, 5, 5, 2])).shape == [1, 8])
    }
}

/// The FER-2013 report's MobileNetV2 head (`ReportHead.mobileNetV2` in NotebookKit).
private var mobileNetV2Head: [Layer] {
    [
        GlobalAveragePooling(name: "head_gap"), Dropout(0.5, name: "head_dropout_1"),
        Dense(128, activation: .relu, name: "head_dense"), Dropout(0.5, name: "head_dropout_2"),
        Dense(7, activation: .softmax, name: "head_predictions"),
    ]
}
