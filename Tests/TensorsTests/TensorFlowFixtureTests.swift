import Foundation
import Testing
import Tensors
import TestSupport

/// Values written by `Fixtures/make_tensor_fixtures.py` with TensorFlow/Keras.
struct FixtureFile: Decodable {
    struct Array: Decodable { let shape: [Int]; let data: [Float] }
    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        let name: String
        let op: String
        let strides: [Int]?
        let size: [Int]?
        let padding: String?
        let epsilon: Float?
        let momentum: Float?
        let inputs: [String: Array]
        let outputs: [String: Array]
        var testDescription: String { name }
        func input(_ key: String) -> Tensor { tensor(inputs[key]!) }
        func output(_ key: String) -> Tensor { tensor(outputs[key]!) }
        var paddingValue: Padding { padding == "SAME" ? .same : .valid }
        var stridePair: (Int, Int) { (strides![0], strides![1]) }
        private func tensor(_ a: Array) -> Tensor { Tensor(shape: a.shape, scalars: a.data) }
    }
    let cases: [Case]

    static let all: [Case] = {
        let url = Bundle.module.url(
            forResource: "tensor_fixtures", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(FixtureFile.self, from: Data(contentsOf: url)).cases
    }()
    static func cases(_ op: String) -> [Case] { all.filter { $0.op == op } }
}

extension FixtureFile.Array: Sendable {}

/// Compares with a tolerance scaled by magnitude (TF's oneDNN kernels sum in another order).
private func close(_ a: Tensor, _ b: Tensor, _ tolerance: Float = 1e-4) -> Bool {
    a.shape == b.shape && maxScaledDifference(a.scalars, b.scalars)! < tolerance
}

/// Forward output and the gradients of sum(dy · y) for a one- or two-input op.
private func forwardAndGradients(
    _ c: FixtureFile.Case, _ op: ([Tensor]) -> Tensor,
    inputs keys: [String]
) -> (Tensor, [Tensor]) {
    let params = keys.map { Parameter(c.input($0)) }
    let y = op(params.map(\.value))
    y.backward(seed: c.input("dy"))
    return (y.detached, params.map { $0.gradient! })
}

@Suite struct TensorFlowFixtures {
    @Test func theFixtureFileHoldsEveryOp() {
        let ops = Set(FixtureFile.all.map(\.op))
        #expect(
            ops == [
                "conv2d", "depthwiseConv2d", "maxPool2d", "avgPool2d", "batchNormTraining",
                "batchNormInference", "softmaxCrossEntropy", "resizeBilinear", "activations",
            ])
        #expect(FixtureFile.cases("conv2d").count == 5)
    }

    @Test(arguments: FixtureFile.cases("conv2d"))
    func conv2dMatchesTensorFlow(_ c: FixtureFile.Case) {
        let (y, g) = forwardAndGradients(
            c, { conv2d($0[0], filter: $0[1], strides: c.stridePair, padding: c.paddingValue) },
            inputs: ["x", "w"])
        #expect(close(y, c.output("y")))
        #expect(close(g[0], c.output("dx")))
        #expect(close(g[1], c.output("dw")))
    }

    @Test(arguments: FixtureFile.cases("depthwiseConv2d"))
    func depthwiseMatchesTensorFlow(_ c: FixtureFile.Case) {
        let (y, g) = forwardAndGradients(
            c,
            {
                depthwiseConv2d(
                    $0[0], filter: $0[1], strides: c.stridePair, padding: c.paddingValue)
            },
            inputs: ["x", "w"])
        #expect(close(y, c.output("y")))
        #expect(close(g[0], c.output("dx")))
        #expect(close(g[1], c.output("dw")))
    }

    @Test(arguments: FixtureFile.cases("maxPool2d") + FixtureFile.cases("avgPool2d"))
    func poolingMatchesTensorFlow(_ c: FixtureFile.Case) {
        let size = (c.size![0], c.size![1])
        let (y, g) = forwardAndGradients(
            c,
            { v in
                c.op == "maxPool2d"
                    ? maxPool2d(v[0], size: size, strides: c.stridePair, padding: c.paddingValue)
                    : avgPool2d(v[0], size: size, strides: c.stridePair, padding: c.paddingValue)
            }, inputs: ["x"])
        #expect(close(y, c.output("y")))
        #expect(close(g[0], c.output("dx")))
    }

    @Test func batchNormTrainingMatchesKeras() throws {
        let c = try #require(FixtureFile.cases("batchNormTraining").first)
        var stats: BatchNormResult?
        let (y, g) = forwardAndGradients(
            c,
            { v in
                let r = batchNormTraining(v[0], scale: v[1], offset: v[2], epsilon: c.epsilon!)
                stats = r
                return r.output
            }, inputs: ["x", "gamma", "beta"])
        #expect(close(y, c.output("y")))
        #expect(close(g[0], c.output("dx")))
        #expect(close(g[1], c.output("dgamma")))
        #expect(close(g[2], c.output("dbeta")))
        let channels = c.input("gamma").shape
        let movingMean = movingAverage(
            Tensor(zeros: channels), batch: stats!.mean, momentum: c.momentum!)
        let movingVariance = movingAverage(
            Tensor(ones: channels), batch: stats!.variance, momentum: c.momentum!)
        #expect(close(movingMean, c.output("moving_mean"), 1e-5))
        #expect(close(movingVariance, c.output("moving_variance"), 1e-5))
    }

    @Test func batchNormInferenceMatchesKeras() throws {
        let c = try #require(FixtureFile.cases("batchNormInference").first)
        let y = batchNormInference(
            c.input("x"), mean: c.input("mean"), variance: c.input("variance"),
            scale: c.input("gamma"), offset: c.input("beta"), epsilon: c.epsilon!)
        #expect(close(y, c.output("y")))
    }

    @Test func weightedCrossEntropyMatchesKeras() throws {
        let c = try #require(FixtureFile.cases("softmaxCrossEntropy").first)
        let logits = Parameter(c.input("logits"))
        let loss = softmaxCrossEntropy(
            logits: logits.value, labels: c.input("labels"),
            sampleWeights: c.input("weights").scalars)
        loss.backward()
        #expect(close(loss, c.output("loss").reshaped(to: [])))
        #expect(close(logits.gradient!, c.output("dlogits")))
    }

    @Test(arguments: FixtureFile.cases("resizeBilinear"))
    func bilinearResizeMatchesTensorFlow(_ c: FixtureFile.Case) {
        let y = resizeBilinear(c.input("x"), height: c.size![0], width: c.size![1])
        #expect(close(y, c.output("y")))
    }

    @Test func activationsMatchTensorFlow() throws {
        let c = try #require(FixtureFile.cases("activations").first)
        let x = c.input("x")
        #expect(close(relu6(x), c.output("relu6")))
        #expect(close(sigmoid(x), c.output("sigmoid")))
        #expect(close(tanh(x), c.output("tanh")))
        #expect(close(softmax(x), c.output("softmax")))
        #expect(close(logSoftmax(x), c.output("log_softmax")))
    }
}
