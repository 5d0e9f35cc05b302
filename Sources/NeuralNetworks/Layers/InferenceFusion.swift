import Tensors

// Conv2D / DepthwiseConv2D → BatchNorm (→ ReLU or ReLU6) computed as one fused
// convolution where no gradient is needed and the batch norm uses its moving statistics
// (prediction, evaluation, a frozen base): the batch norm is folded into the filter and
// a bias, and the activation clamps in the kernel's registers. Same results up to
// float rounding; one pass over each output instead of three.

extension Sequential {
    /// The output of layers `i`, `i + 1` (and `i + 2`) run as one fused op, with how many
    /// layers it covered; nil when the run at `i` cannot be fused.
    /// `padding` replaces the convolution's own (see `paddedConvolution`).
    func fusedInference(at i: Int, _ x: Tensor, end: Int, padding: Padding? = nil) -> (output: Tensor, length: Int)? {
        guard i + 1 < end, let bn = layers[i + 1] as? BatchNorm, x.rank == 4,
              TrainingPass.current == nil || !bn.isTrainable, LayerTrace.current == nil else { return nil }
        let rectifier = rectifier(at: i + 2, end: end)
        let clamp: ClosedRange<Float>? = rectifier.map { $0 == .relu ? 0...Float.infinity : 0...6 }
        let length = rectifier == nil ? 2 : 3
        // The convolution's weights (nil: not built yet) and the fused op that replaces it.
        func weights(_ layer: BaseLayer, useBias: Bool) -> (kernel: Parameter, bias: Parameter?)? {
            guard let k = layer.existingWeight("kernel") else { return nil }
            guard useBias else { return (k, nil) }
            return layer.existingWeight("bias").map { (k, $0) }
        }
        let kernel: Parameter, bias: Parameter?, c: Int
        let convolve: (Tensor, [Float]) -> Tensor
        switch layers[i] {
        case let conv as Conv2D where conv.activation == .linear:
            guard let w = weights(conv, useBias: conv.useBias) else { return nil }
            (kernel, bias, c) = (w.kernel, w.bias, conv.filters)
            convolve = {
                conv2dInference(x, filter: $0, bias: $1, strides: conv.strides, padding: padding ?? conv.padding, clamp: clamp)
            }
        case let conv as DepthwiseConv2D:
            guard let w = weights(conv, useBias: conv.useBias) else { return nil }
            (kernel, bias, c) = (w.kernel, w.bias, w.kernel.shape[2])
            convolve = {
                depthwiseConv2dInference(x, filter: $0, bias: $1, strides: conv.strides, padding: padding ?? conv.padding,
                                         clamp: clamp)
            }
        default:
            return nil
        }
        guard let gamma = bn.existingWeight("gamma"), let beta = bn.existingWeight("beta"),
              let mean = bn.existingWeight("moving_mean"), let variance = bn.existingWeight("moving_variance"),
              gamma.shape == [c] else { return nil }
        // Nothing may need a gradient: not the input, not the weights.
        if GradientRecording.isOn {
            guard !x.requiresGradient, !kernel.isTrainable, !(bias?.isTrainable ?? false),
                  !gamma.isTrainable, !beta.isTrainable else { return nil }
        }
        // BN(z) = a·z + b with a = γ / √(σ² + ε), b = β − μ·a; z = conv + bias. Cached on
        // the batch norm until any of the weights changes.
        let key = [ObjectIdentifier(kernel).hashValue, kernel.version, bias?.version ?? -1, gamma.version,
                   beta.version, mean.version, variance.version]
        let folded: Tensor, shift: [Float]
        if let cached = bn.inferenceFold, cached.key == key {
            (folded, shift) = (cached.filter, cached.shift)
        } else {
            let g = gamma.value.scalars, bt = beta.value.scalars, mu = mean.value.scalars, v = variance.value.scalars
            let a = (0..<c).map { g[$0] / (v[$0] + bn.epsilon).squareRoot() }
            let convBias = bias?.value.scalars ?? [Float](repeating: 0, count: c)
            shift = (0..<c).map { bt[$0] + (convBias[$0] - mu[$0]) * a[$0] }
            let k = kernel.value.scalars
            folded = Tensor(shape: kernel.shape, scalars: [Float](unsafeUninitializedCapacity: k.count) { out, n in
                k.withUnsafeBufferPointer { src in
                    var i = 0
                    while i < k.count {
                        for o in 0..<c { out[i + o] = src[i + o] * a[o] }
                        i += c
                    }
                }
                n = k.count
            })
            bn.inferenceFold = BatchNorm.Fold(key: key, filter: folded, shift: shift)
        }
        return (convolve(folded, shift), length)
    }
}

extension BaseLayer {
    /// The weight `variable` if the layer has been built, without creating it.
    func existingWeight(_ variable: String) -> Parameter? {
        ownWeights.first(where: { $0.variable == variable })?.parameter
    }
}

extension Sequential {
    /// CorrectPad → DepthwiseConv2D with valid padding (MobileNetV2's stride-2 blocks) as
    /// one convolution with explicit padding, fused further with its batch norm where
    /// `fusedInference` applies: the depthwise kernel skips the padding's taps, where the
    /// padding layer made a padded copy of the whole input.
    func paddedConvolution(at i: Int, _ x: Tensor, end: Int) -> (output: Tensor, length: Int)? {
        guard i + 1 < end, let pad = layers[i] as? CorrectPad, let conv = layers[i + 1] as? DepthwiseConv2D,
              conv.padding == .valid, x.rank == 4, LayerTrace.current == nil else { return nil }
        let p = pad.padding(for: x.shape)
        let padding = Padding.explicit(top: p.top, bottom: p.bottom, left: p.left, right: p.right)
        if let fused = fusedInference(at: i + 1, x, end: end, padding: padding) {
            return (fused.output, fused.length + 1)
        }
        return (conv.forward(x, padding: padding), 2)
    }
}
