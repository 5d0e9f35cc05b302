import Foundation
import Testing
import Tensors
import TestSupport
@testable import NeuralNetworks

/// Files written by Keras' own writers (Fixtures/make_keras_written.py), each loaded and its
/// output compared with the output Keras computed from the same file.
@Suite("Weight files written by Keras itself")
struct KerasWrittenFileTests {
    struct Expected: Decodable {
        let inputShape: [Int]
        let outputShape: [Int]
        let output: [Float]
        let layerNamesChunks: [String]?
    }

    static let expected = Result {
        try fixtureJSON("keras-written/expected.json", as: [String: Expected].self)
    }

    /// Loads `file` into `model` and checks its output against Keras'; returns the output.
    @discardableResult
    func check(_ file: String, _ model: Layer, matching: KerasWeightMatching = .automatic) throws
        -> Tensor
    {
        let e = try #require(try Self.expected.get()[file])
        try model.loadKerasWeights(from: fixtureURL("keras-written/" + file), matching: matching)
        let y = model.predict(fixedInput(e.inputShape))
        #expect(y.shape == e.outputShape, "\(file)")
        #expect(maxRelativeError(y.scalars, e.output) < 1e-4, "\(file)")
        return y
    }

    func mobileNetWithTop() throws -> Sequential {
        let base = try MobileNetV2(alpha: 0.35, includeTop: false, inputShape: [32, 32, 3])
        let m = Sequential(name: "sequential") {
            base
            GlobalAveragePooling(name: "gap")
            Dense(7, activation: .softmax, name: "predictions")
        }
        m.build(inputShape: [32, 32, 3])
        return m
    }

    @Test("Keras 3's legacy writer (the official files' layout, empty float64 weight_names)")
    func legacyWriter() throws {
        try check(
            "mnv2_a035_legacy.h5",
            MobileNetV2(alpha: 0.35, includeTop: false, inputShape: [32, 32, 3]))
    }

    @Test(
        "Keras 2's save_weights (tf_keras): ':0' weight names, the official file's 2018 layer names, by position"
    )
    func keras2Writer() throws {
        let file = "mnv2_a035_keras2.h5", url = fixtureURL("keras-written/" + file)
        let model = try MobileNetV2(alpha: 0.35, includeTop: false, inputShape: [32, 32, 3])
        // Not vacuous: the file is Keras 2's (every weight name ends in ':0') and its layers
        // are named otherwise than the model's, as in the official MobileNetV2 download.
        let h5 = try HDF5File(path: url.path)
        let layerNames = try #require(try h5.stringsAttribute("layer_names", of: ""))
        let weightNames = try layerNames.flatMap {
            try h5.stringsAttribute("weight_names", of: $0) ?? []
        }
        #expect(weightNames.count == 260 && weightNames.allSatisfy { $0.hasSuffix(":0") })
        #expect(weightNames.contains("mobl1_conv_1_expand/kernel:0"))
        guard case .legacy(let fileLayers) = try KerasWeightFile.read(url) else {
            Issue.record("\(file) is not read as a legacy (Keras 2) file"); return
        }
        let modelNames = model.weightedLayers.map(\.name), fileNames = fileLayers.map(\.name)
        #expect(fileNames.count == modelNames.count)
        #expect(
            zip(fileNames, modelNames).filter { $0 == $1 }.map(\.0) == [
                "Conv1", "bn_Conv1", "Conv_1", "Conv_1_bn",
            ])
        #expect(
            fileNames.dropFirst(6).first == "mobl1_conv_1_expand"
                && modelNames[6] == "block_1_expand")
        #expect(
            Set(fileNames).isDisjoint(
                with: modelNames.filter { $0.hasPrefix("block_") || $0.hasPrefix("expanded_conv") })
        )
        // By position, as Keras loads it (every pair shape-checked); .automatic pairs through
        // the 2018-name map instead, and must load the same.
        try check(file, model, matching: .byOrder)
        try check(file, MobileNetV2(alpha: 0.35, includeTop: false, inputShape: [32, 32, 3]))
    }

    @Test("the same file with every dataset chunked and gzip'd")
    func compressedDatasets() throws {
        try check(
            "mnv2_a035_gzip.h5",
            MobileNetV2(alpha: 0.35, includeTop: false, inputShape: [32, 32, 3]))
    }

    @Test("a whole model saved as .h5 (model_weights; the nested base's weights in one group)")
    func fullModelH5() throws { try check("mnv2_a035_top_full.h5", mobileNetWithTop()) }

    @Test("Keras 3 .weights.h5 of a base nested in a Sequential (layers/functional/layers/…)")
    func keras3Weights() throws { try check("mnv2_a035_top.weights.h5", mobileNetWithTop()) }

    @Test("a Keras 3 .keras archive of the same model")
    func kerasArchive() throws { try check("mnv2_a035_top.keras", mobileNetWithTop()) }

    @Test("layer_names split over layer_names0, layer_names1, … by Keras' writer")
    func splitLayerNames() throws {
        let e = try #require(try Self.expected.get()["long_names.h5"])
        #expect(e.layerNamesChunks == ["layer_names0", "layer_names1"])
        let m = Sequential(name: "long") {
            Dense(4, name: "d1"); Dense(3, name: "d2")
        }
        m.build(inputShape: [8])
        try check("long_names.h5", m)
    }

    @Test("ResNet50 by Keras' legacy writer, gzip'd: O(1) outputs, matched to 5e-5 absolute")
    func resNet50() throws {
        let file = "resnet50_gzip.h5"
        let e = try #require(try Self.expected.get()[file])
        // Not vacuous: the fixture's batch norms keep ResNet50's output O(1) (bounded_resnet in
        // make_keras_written.py); with tiled weights alone it reached 2.5e9, where the relative
        // 1e-4 of check(_:_:) let the output be off by 2.5e5.
        let largest = e.output.map(abs).max() ?? 0
        #expect(largest > 0.5 && largest < 10, "max |Keras output| is \(largest)")
        let y = try check(file, ResNet50(includeTop: false, inputShape: [32, 32, 3]))
        // Measured 5.8e-6 (Keras float32 against float64 on the same weights: 4.6e-6); rolling
        // any one weight tensor by a channel moves Keras' output by 7e-4 or more.
        let difference = try #require(maxAbsDifference(y.scalars, e.output))
        #expect(difference < 5e-5, "max |Emotive - Keras| is \(difference)")
    }

    @Test("a Keras-written file of another width is refused with the file that would fit")
    func otherWidth() throws {
        let m = try MobileNetV2(alpha: 0.5, includeTop: false, inputShape: [32, 32, 3])
        #expect {
            try m.loadKerasWeights(from: fixtureURL("keras-written/mnv2_a035_legacy.h5"))
        } throws: {
            "\($0)".contains(
                "holds the weights of MobileNetV2 (alpha 0.35) without top, but the model is MobileNetV2 "
                    + "(alpha 0.5) without top; its Keras weight file is mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_224_no_top.h5"
            )
        }
    }
}
