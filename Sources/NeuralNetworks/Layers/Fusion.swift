import Tensors

// MARK: - The table of fusions

/// The runs of layers a ``Sequential`` computes as one op, in the order they are tried at
/// each layer while a plan is made (the first that matches takes its layers):
///
/// | pattern | layers | applies | computed as |
/// | --- | --- | --- | --- |
/// | `paddedDepthwise` | CorrectPad → DepthwiseConv2D (valid) [→ BatchNorm (→ ReLU/ReLU6)] | always; the batch norm too where `foldedNormalization` applies to the depthwise | the padding as the convolution's explicit padding: the kernel skips its taps instead of reading a padded copy |
/// | `foldedNormalization` | Conv2D (linear) or DepthwiseConv2D → BatchNorm (→ ReLU/ReLU6) | no gradient needed: no training pass or a frozen batch norm, weights built, none trainable while gradients are recorded, an input that needs no gradient | the batch norm folded into the filter and a bias, the activation clamped in the kernel's registers; equal up to float rounding |
/// | `normalizedRectifier` | BatchNorm → ReLU/ReLU6 | a training pass, a trainable batch norm | `batchNormTraining(rectifier:)`: one pass each way, bit for bit the two layers |
/// | `rectifiedResidual` | Residual → ReLU/ReLU6 | always | add and rectify in one pass, bit for bit |
///
/// Nothing is fused while a summary is traced (`LayerTrace`), which records every layer's
/// output. To add a fusion: a case here, its rule in `match`, its computation in
/// `Sequential.run(_:_:)`.
enum Fusion: CaseIterable {
    case paddedDepthwise, foldedNormalization, normalizedRectifier, rectifiedResidual

    /// What the rules read besides the layers: the mode of the call.
    struct Mode: Equatable {
        /// In a ``TrainingPass`` (batch statistics, dropout).
        var training: Bool
        /// Gradients are being recorded (`GradientRecording.isOn`).
        var recording: Bool

        static var current: Mode {
            Mode(training: TrainingPass.current != nil, recording: GradientRecording.isOn)
        }
    }

    /// How many layers from `i` (all before `end`) the pattern covers in `mode`; nil when
    /// it does not apply there.
    func match(_ layers: [Layer], at i: Int, end: Int, mode: Mode) -> Int? {
        func rectifier(at j: Int) -> Rectifier? { Fusion.rectifier(layers, at: j, end: end) }
        switch self {
        case .paddedDepthwise:
            guard i + 1 < end, layers[i] is CorrectPad,
                let conv = layers[i + 1] as? DepthwiseConv2D,
                conv.padding == .valid
            else { return nil }
            return 1
                + (Fusion.foldedNormalization.match(layers, at: i + 1, end: end, mode: mode) ?? 1)
        case .foldedNormalization:
            guard i + 1 < end, let bn = layers[i + 1] as? BatchNorm,
                !mode.training || !bn.isTrainable,
                let c = Fusion.foldableChannels(layers[i]),
                let w = Fusion.foldedWeights(conv: layers[i], bn: bn), w.gamma.shape == [c]
            else { return nil }
            // Nothing may need a gradient: not the weights (the input is checked when the step runs).
            if mode.recording {
                guard !w.kernel.isTrainable, !(w.bias?.isTrainable ?? false), !w.gamma.isTrainable,
                    !w.beta.isTrainable
                else { return nil }
            }
            return rectifier(at: i + 2) == nil ? 2 : 3
        case .normalizedRectifier:
            guard let bn = layers[i] as? BatchNorm, rectifier(at: i + 1) != nil, mode.training,
                bn.isTrainable
            else {
                return nil
            }
            return 2
        case .rectifiedResidual:
            guard layers[i] is Residual, rectifier(at: i + 1) != nil else { return nil }
            return 2
        }
    }

    /// The rectifier of layer `j` when it is a ReLU or ReLU6 layer before `end`, else nil.
    static func rectifier(_ layers: [Layer], at j: Int, end: Int) -> Rectifier? {
        j < end ? (layers[j] as? ActivationLayer)?.activation.rectifier : nil
    }

    /// The output channels of a convolution a batch norm can fold into (a linear Conv2D or a
    /// built DepthwiseConv2D), else nil.
    static func foldableChannels(_ layer: Layer) -> Int? {
        switch layer {
        case let conv as Conv2D where conv.activation == .linear: return conv.filters
        case let conv as DepthwiseConv2D: return conv.existingWeight("kernel")?.shape[2]
        default: return nil
        }
    }

    /// The weights a fold reads, when the convolution and the batch norm are built.
    static func foldedWeights(conv: Layer, bn: BatchNorm)
        -> (
            kernel: Parameter, bias: Parameter?, gamma: Parameter, beta: Parameter, mean: Parameter,
            variance: Parameter
        )?
    {
        let useBias: Bool
        switch conv {
        case let c as Conv2D: useBias = c.useBias
        case let c as DepthwiseConv2D: useBias = c.useBias
        default: return nil
        }
        guard let layer = conv as? BaseLayer, let kernel = layer.existingWeight("kernel") else {
            return nil
        }
        let bias = useBias ? layer.existingWeight("bias") : nil
        if useBias && bias == nil { return nil }
        guard let gamma = bn.existingWeight("gamma"), let beta = bn.existingWeight("beta"),
            let mean = bn.existingWeight("moving_mean"),
            let variance = bn.existingWeight("moving_variance")
        else {
            return nil
        }
        return (kernel, bias, gamma, beta, mean, variance)
    }
}

// MARK: - The plan

/// A Sequential's layers as steps: single layers and fused runs, made once per mode, end
/// and weight state (which weights exist and which are trainable), and kept with the
/// folded filters of its `foldedNormalization` steps.
final class FusionPlan {
    struct Step {
        /// Nil: the layer at `start` alone.
        let fusion: Fusion?
        let start: Int
        let length: Int
        /// The ReLU/ReLU6 that ends the run, if one does.
        let rectifier: Rectifier?
        /// The batch norm folded into the convolution (`foldedNormalization`, and
        /// `paddedDepthwise` with its batch norm).
        let fold: NormalizationFold?
    }

    struct Key: Equatable {
        let mode: Fusion.Mode
        let end: Int
        let weights: [Int]
    }

    let key: Key
    let steps: [Step]

    init(_ layers: [Layer], key: Key, folds: (Int) -> NormalizationFold) {
        self.key = key
        var steps: [Step] = []
        var i = 0
        while i < key.end {
            let matched = Fusion.allCases.lazy.compactMap { f in
                f.match(layers, at: i, end: key.end, mode: key.mode).map { (f, $0) }
            }.first
            guard let (fusion, length) = matched else {
                steps.append(Step(fusion: nil, start: i, length: 1, rectifier: nil, fold: nil))
                i += 1
                continue
            }
            steps.append(
                Self.step(fusion, at: i, length: length, layers, end: key.end, folds: folds))
            i += length
        }
        self.steps = steps
    }

    /// The step of `fusion` matched at `i` over `length` layers.
    static func step(
        _ fusion: Fusion, at i: Int, length: Int, _ layers: [Layer], end: Int,
        folds: (Int) -> NormalizationFold
    ) -> Step {
        let rectifier = Fusion.rectifier(layers, at: i + length - 1, end: end)
        let folded = fusion == .foldedNormalization || (fusion == .paddedDepthwise && length > 2)
        return Step(
            fusion: fusion, start: i, length: length, rectifier: rectifier,
            fold: folded ? folds(fusion == .paddedDepthwise ? i + 1 : i) : nil)
    }

    /// What the plan depends on in the weights, per convolution and batch norm: whether the
    /// layer is trainable, how many weights it has made and which of them are trainable.
    static func weightState(_ layers: [Layer], end: Int) -> [Int] {
        var state: [Int] = []
        for l in layers[..<end] where l is Conv2D || l is DepthwiseConv2D || l is BatchNorm {
            var code = (l.isTrainable ? 1 : 0) | l.ownWeights.count << 1
            for (k, w) in l.ownWeights.enumerated() where w.parameter.isTrainable {
                code |= 1 << (4 + k)
            }
            state.append(code)
        }
        return state
    }
}

/// A batch norm folded into the convolution before it: BN(z) = a·z + b with
/// a = γ / √(σ² + ε), b = β − μ·a, z = conv + bias. Kept until any weight changes.
final class NormalizationFold {
    let convolution: Int
    private(set) var cached: (key: [Int], filter: Tensor, shift: [Float])?

    init(convolution: Int) { self.convolution = convolution }

    /// The folded filter and shift for the current weights.
    func filter(conv: Layer, bn: BatchNorm) -> (filter: Tensor, shift: [Float]) {
        guard let w = Fusion.foldedWeights(conv: conv, bn: bn) else {
            fatalError(
                "NormalizationFold: '\(conv.name)' or '\(bn.name)' lost its weights after the plan was made"
            )
        }
        let key = [
            ObjectIdentifier(w.kernel).hashValue, w.kernel.version, w.bias?.version ?? -1,
            w.gamma.version,
            w.beta.version, w.mean.version, w.variance.version,
        ]
        if let cached, cached.key == key { return (cached.filter, cached.shift) }
        let c = w.gamma.shape[0]
        let g = w.gamma.value.scalars, bt = w.beta.value.scalars, mu = w.mean.value.scalars
        let v = w.variance.value.scalars
        let a = (0..<c).map { g[$0] / (v[$0] + bn.epsilon).squareRoot() }
        let convBias = w.bias?.value.scalars ?? [Float](repeating: 0, count: c)
        let shift = (0..<c).map { bt[$0] + (convBias[$0] - mu[$0]) * a[$0] }
        let k = w.kernel.value.scalars
        let filter = Tensor(
            shape: w.kernel.shape,
            scalars: [Float](unsafeUninitializedCapacity: k.count) { out, n in
                k.withUnsafeBufferPointer { src in
                    var i = 0
                    while i < k.count {
                        for o in 0..<c { out[i + o] = src[i + o] * a[o] }
                        i += c
                    }
                }
                n = k.count
            })
        cached = (key, filter, shift)
        return (filter, shift)
    }
}

/// A Sequential's plans (one per mode, end and weight state; the last few kept) and the
/// folds they share.
final class FusionPlans {
    private var plans: [FusionPlan] = []
    private(set) var folds: [Int: NormalizationFold] = [:]

    func plan(_ layers: [Layer], end: Int) -> FusionPlan {
        let key = FusionPlan.Key(
            mode: .current, end: end, weights: FusionPlan.weightState(layers, end: end))
        if let plan = plans.first(where: { $0.key == key }) { return plan }
        let plan = FusionPlan(layers, key: key) { [self] i in
            if let fold = folds[i] { return fold }
            let fold = NormalizationFold(convolution: i)
            folds[i] = fold
            return fold
        }
        if plans.count == 4 { plans.removeFirst() }
        plans.append(plan)
        return plan
    }
}

// MARK: - Running the steps

extension Sequential {
    /// One step of a plan on `x`.
    func run(_ step: FusionPlan.Step, _ x: Tensor) -> Tensor {
        let i = step.start
        switch step.fusion {
        case nil:
            return layers[i](x)
        case .rectifiedResidual:
            return (layers[i] as! Residual).forward(x, rectifier: step.rectifier!)
        case .normalizedRectifier:
            return (layers[i] as! BatchNorm).forward(x, rectifier: step.rectifier!)
        case .foldedNormalization:
            guard x.rank == 4, !(GradientRecording.isOn && x.requiresGradient) else {
                return oneByOne(step, x)
            }
            return folded(step, x, padding: nil)
        case .paddedDepthwise:
            guard x.rank == 4 else { return oneByOne(step, x) }
            let p = (layers[i] as! CorrectPad).padding(for: x.shape)
            let padding = Padding.explicit(
                top: p.top, bottom: p.bottom, left: p.left, right: p.right)
            if step.fold != nil, !(GradientRecording.isOn && x.requiresGradient) {
                return folded(step, x, padding: padding)
            }
            let y = (layers[i + 1] as! DepthwiseConv2D).forward(x, padding: padding)
            return layers[(i + 2)..<(i + step.length)].reduce(y) { h, layer in layer(h) }
        }
    }

    /// The step's layers one at a time (its input cannot take the fused op).
    private func oneByOne(_ step: FusionPlan.Step, _ x: Tensor) -> Tensor {
        layers[step.start..<(step.start + step.length)].reduce(x) { h, layer in layer(h) }
    }

    /// Convolution, batch norm and rectifier as one convolution with the folded filter;
    /// `padding` replaces the convolution's own.
    private func folded(_ step: FusionPlan.Step, _ x: Tensor, padding: Padding?) -> Tensor {
        let fold = step.fold!
        let conv = layers[fold.convolution], bn = layers[fold.convolution + 1] as! BatchNorm
        let clamp: ClosedRange<Float>? = step.rectifier.map {
            $0 == .relu ? 0...Float.infinity : 0...6
        }
        let (filter, shift) = fold.filter(conv: conv, bn: bn)
        switch conv {
        case let conv as Conv2D:
            return conv2dInference(
                x, filter: filter, bias: shift, strides: conv.strides,
                padding: padding ?? conv.padding, clamp: clamp)
        case let conv as DepthwiseConv2D:
            return depthwiseConv2dInference(
                x, filter: filter, bias: shift, strides: conv.strides,
                padding: padding ?? conv.padding, clamp: clamp)
        default:
            fatalError("foldedNormalization: '\(conv.name)' is not a convolution")
        }
    }

    /// `fusion` matched at layer `i` now and run on `x` as a plan step would, with how
    /// many layers it covered; nil when it does not apply (for tests and probes).
    func fused(_ fusion: Fusion, at i: Int, _ x: Tensor, end: Int) -> (output: Tensor, length: Int)?
    {
        guard LayerTrace.current == nil,
            let length = fusion.match(layers, at: i, end: end, mode: .current)
        else { return nil }
        let step = FusionPlan.step(
            fusion, at: i, length: length, layers, end: end,
            folds: { NormalizationFold(convolution: $0) })
        return (run(step, x), length)
    }

    func paddedConvolution(at i: Int, _ x: Tensor, end: Int) -> (output: Tensor, length: Int)? {
        fused(.paddedDepthwise, at: i, x, end: end)
    }

    func fusedTraining(at i: Int, _ x: Tensor, end: Int) -> (output: Tensor, length: Int)? {
        fused(.normalizedRectifier, at: i, x, end: end)
    }

    func rectifiedResidual(at i: Int, _ x: Tensor, end: Int) -> (output: Tensor, length: Int)? {
        fused(.rectifiedResidual, at: i, x, end: end)
    }
}

extension BaseLayer {
    /// The weight `variable` if the layer has been built, without creating it.
    func existingWeight(_ variable: String) -> Parameter? {
        ownWeights.first(where: { $0.variable == variable })?.parameter
    }
}
