import Foundation
import Testing
@testable import NeuralNetworks

@Suite("Checkpoint files use the safetensors layout")
struct CheckpointFormatTests {
    let arrays = [
        NamedArray(name: "conv.kernel", shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
        NamedArray(name: "bn.moving_mean", shape: [3], values: [-1, 0.5, 7]),
    ]

    @Test("the header is an 8-byte little-endian length, then JSON with dtype, shape and offsets")
    func layout() throws {
        let data = try SafeTensors.encode(arrays, metadata: ["epoch": "3"])
        let n = Int(data[0]) | Int(data[1]) << 8 | Int(data[2]) << 16
        #expect(n % 8 == 0)
        let header =
            try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + n))) as! [String: Any]
        let k = header["conv.kernel"] as! [String: Any]
        #expect(
            k["dtype"] as? String == "F32" && k["shape"] as? [Int] == [2, 3]
                && k["data_offsets"] as? [Int] == [0, 24])
        #expect((header["__metadata__"] as? [String: String])?["epoch"] == "3")
        #expect(data.count == 8 + n + 36)
        let back = try SafeTensors.decode(data, source: "test")
        #expect(back.arrays == arrays && back.metadata == ["epoch": "3"])
    }

    @Test("a checkpoint round-trips weights, optimizer state, epoch and history")
    func roundTrip() throws {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("a.safetensors")
        let history = History(epochs: [
            EpochLogs(epoch: 0, values: ["loss": 1.5, "val_accuracy": 0.25])
        ])
        let ck = Checkpoint(
            weights: arrays,
            optimizerState: [
                NamedArray(name: "m/conv.kernel", shape: [2, 3], values: [0, 0, 0, 1, 1, 1])
            ],
            epoch: 1, history: history, modelIdentity: "model-x", optimizerInfo: "{\"step\":4}")
        try ck.write(to: url)
        #expect(try Checkpoint.read(url) == ck)
        // no temp left
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["a.safetensors"])
    }

    @Test("a truncated file gives an error naming the file, and rewriting never leaves half a file")
    func truncated() throws {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("t.safetensors")
        let data = try SafeTensors.encode(arrays)
        try data.prefix(data.count - 5).write(to: url)
        #expect { try SafeTensors.read(url) } throws: { e in
            "\(e)".contains(url.path) && "\(e)".contains("truncated")
        }
        try data.prefix(5).write(to: url)
        #expect(throws: WeightFileError.self) { try SafeTensors.read(url) }
    }

    @Test("weights of another model give one error listing missing, unexpected and mis-shaped keys")
    func otherModel() {
        let expected: [(name: String, shape: [Int])] = [
            ("conv.kernel", [2, 3]), ("bn.moving_mean", [4]), ("dense.bias", [2]),
        ]
        #expect {
            try checkWeightsMatch(
                expected: expected,
                found: arrays + [NamedArray(name: "x", shape: [1], values: [0])], source: "f")
        } throws: { e in
            let m = "\(e)"
            return m.contains("missing 1: dense.bias") && m.contains("unexpected 1: x")
                && m.contains("bn.moving_mean is [3]")
        }
    }

    @Test(
        "a checkpoint's optimizer info reads the earlier hand-written JSON, missing fields and garbage"
    )
    func optimizerInfo() {
        let old = #"{"configuration":"Adam(lr:0.001)","iterations":270,"learning_rate":0.001}"#
        let info = OptimizerInfo(json: old)
        #expect(
            info.configuration == "Adam(lr:0.001)" && info.iterations == 270
                && info.learningRate == 0.001)
        #expect(
            OptimizerInfo(json: "{}")
                == OptimizerInfo(configuration: nil, iterations: nil, learningRate: nil))
        #expect(OptimizerInfo(json: "not json").iterations == nil)
        let adam = Adam(learningRate: 0.01)
        #expect(OptimizerInfo(json: OptimizerInfo(adam).json) == OptimizerInfo(adam))
        #expect(OptimizerInfo(adam).json.contains(#""learning_rate":0.01"#))
    }
}
