import Foundation
import Tensors

/// sgemm GFLOP/s, then the conv shapes of issue 2 (batch 32, 24x24x64 → 64) forward and
/// backward, each as GFLOP/s and as a ratio of the sgemm figure of the same run, and
/// depthwise 3x3 times.
func runTensorBenchmarks() {
    var rng = RandomGenerator(seed: 1)

    // Reference sgemm: square 1024 and the 3x3 conv's own GEMM shape ([18432, 576] x [576, 64]).
    let a = Tensor(randomUniform: [1024, 1024], generator: &rng)
    let b = Tensor(randomUniform: [1024, 1024], generator: &rng)
    let tGemm = measure { _ = matmul(a, b) }
    let gemmGFLOPs = 2 * pow(1024, 3) / tGemm / 1e9
    print(
        String(
            format: "sgemm 1024x1024x1024            %7.2f ms  %6.1f GFLOP/s", tGemm * 1e3,
            gemmGFLOPs))
    let cols = Tensor(randomUniform: [18432, 576], generator: &rng)
    let k = Tensor(randomUniform: [576, 64], generator: &rng)
    let tShape = measure { _ = matmul(cols, k) }
    let shapeGFLOPs = 2 * 18432 * 576 * 64 / tShape / 1e9
    print(
        String(
            format: "sgemm 18432x576x64 (conv shape) %7.2f ms  %6.1f GFLOP/s", tShape * 1e3,
            shapeGFLOPs))

    let x = Tensor(randomUniform: [32, 24, 24, 64], lower: -1, upper: 1, generator: &rng)
    let pixels = 32.0 * 24 * 24
    for kernel in [3, 1] {
        let w = Parameter(
            Tensor(
                randomUniform: [kernel, kernel, 64, 64], lower: -0.1, upper: 0.1, generator: &rng))
        let flops = 2 * pixels * Double(kernel * kernel * 64 * 64)
        let tForward = measure {
            _ = withoutGradients { conv2d(x, filter: w.value, padding: .same) }
        }
        // Backward: dX and dW (two GEMMs of the forward's size), timed apart from the forward.
        let input = Parameter(x)
        let seed = Tensor(randomUniform: [32, 24, 24, 64], generator: &rng)
        var best = Double.infinity
        for _ in 0..<10 {
            let y = conv2d(input.value, filter: w.value, padding: .same)
            let start = DispatchTime.now().uptimeNanoseconds
            y.backward(seed: seed)
            let t = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = min(best, t)
            input.zeroGradient(); w.zeroGradient()
        }
        let fwd = flops / tForward / 1e9, bwd = 2 * flops / best / 1e9
        print(
            String(
                format:
                    "conv %dx%d forward               %7.2f ms  %6.1f GFLOP/s  %3.0f%% of sgemm",
                kernel, kernel, tForward * 1e3, fwd, 100 * fwd / gemmGFLOPs))
        print(
            String(
                format:
                    "conv %dx%d backward (dX + dW)    %7.2f ms  %6.1f GFLOP/s  %3.0f%% of sgemm",
                kernel, kernel, best * 1e3, bwd, 100 * bwd / gemmGFLOPs))
    }

    let dw = Parameter(
        Tensor(randomUniform: [3, 3, 64, 1], lower: -0.3, upper: 0.3, generator: &rng))
    let tDepthwise = measure {
        _ = withoutGradients { depthwiseConv2d(x, filter: dw.value, padding: .same) }
    }
    let input = Parameter(x)
    let seed = Tensor(randomUniform: [32, 24, 24, 64], generator: &rng)
    var bestBackward = Double.infinity
    for _ in 0..<10 {
        let y = depthwiseConv2d(input.value, filter: dw.value, padding: .same)
        let start = DispatchTime.now().uptimeNanoseconds
        y.backward(seed: seed)
        bestBackward = min(bestBackward, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        input.zeroGradient(); dw.zeroGradient()
    }
    let dwFlops = 2 * pixels * 9 * 64
    print(
        String(
            format: "depthwise 3x3 forward           %7.2f ms  %6.1f GFLOP/s",
            tDepthwise * 1e3, dwFlops / tDepthwise / 1e9))
    print(
        String(
            format: "depthwise 3x3 backward (dX+dW)  %7.2f ms  %6.1f GFLOP/s",
            bestBackward * 1e3, 2 * dwFlops / bestBackward / 1e9))

    let gamma = Tensor(ones: [64]), beta = Tensor(zeros: [64])
    let tBN = measure { _ = batchNormTraining(x, scale: gamma, offset: beta, epsilon: 1e-3) }
    let tRelu = measure { _ = relu6(x) }
    let bias = Tensor(zeros: [64])
    let tBias = measure { _ = x + bias }
    print(String(format: "batch norm (training) forward   %7.2f ms", tBN * 1e3))
    print(String(format: "relu6                           %7.2f ms", tRelu * 1e3))
    print(String(format: "bias add (broadcast)            %7.2f ms", tBias * 1e3))
}

/// A MobileNetV2 inverted residual block (16 → 96 → 16 channels, 24x24, batch 32),
/// forward and backward, built only from Tensors ops: shows what a training step of
/// such blocks costs beyond the GEMMs (batch norm, relu6, depthwise, elementwise).
func runInvertedResidualBenchmark() {
    var rng = RandomGenerator(seed: 2)
    let x = Tensor(randomUniform: [32, 24, 24, 16], lower: -1, upper: 1, generator: &rng)
    let expand = Parameter(Initializer.glorotUniform.make([1, 1, 16, 96], generator: &rng))
    let depthwise = Parameter(Initializer.glorotUniform.make([3, 3, 96, 1], generator: &rng))
    let project = Parameter(Initializer.glorotUniform.make([1, 1, 96, 16], generator: &rng))
    let gammas = [96, 96, 16].map { Parameter(Tensor(ones: [$0])) }
    let betas = [96, 96, 16].map { Parameter(Tensor(zeros: [$0])) }
    func block() -> Tensor {
        var h = conv2d(x, filter: expand.value)
        h = relu6(
            batchNormTraining(h, scale: gammas[0].value, offset: betas[0].value, epsilon: 1e-3)
                .output)
        h = depthwiseConv2d(h, filter: depthwise.value, padding: .same)
        h = relu6(
            batchNormTraining(h, scale: gammas[1].value, offset: betas[1].value, epsilon: 1e-3)
                .output)
        h = conv2d(h, filter: project.value)
        h =
            batchNormTraining(h, scale: gammas[2].value, offset: betas[2].value, epsilon: 1e-3)
            .output
        return (h + x).mean()
    }
    let tForward = measure { _ = block() }
    let tStep = measure { block().backward() }
    print(
        String(
            format: "inverted residual block fwd     %7.2f ms  (batch 32, 24x24, 16→96→16)",
            tForward * 1e3))
    print(
        String(
            format: "inverted residual block fwd+bwd %7.2f ms  %6.0f images/s", tStep * 1e3,
            32 / tStep))
}
