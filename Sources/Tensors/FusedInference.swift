import Preconditions

// Inference-only convolutions with a per-channel bias and an optional clamp applied in
// the kernels' registers before the store: what a Conv2D → BatchNorm → ReLU/ReLU6 run
// becomes once the batch norm is folded into the filter (NeuralNetworks does the
// folding). One pass over the output instead of three, and no graph.

/// `clamp(conv2d(input, filter) + bias)` for inference; records no gradient.
///
/// - Parameters:
///   - bias: one value per output channel.
///   - clamp: `0...Float.infinity` for ReLU, `0...6` for ReLU6, nil for none.
public func conv2dInference(
    _ input: Tensor, filter: Tensor, bias: [Float], strides: (Int, Int) = (1, 1),
    padding: Padding = .valid, clamp: ClosedRange<Float>? = nil
) -> Tensor {
    check(
        !input.requiresGradient && !filter.requiresGradient,
        "conv2dInference: records no gradient; call it on tensors that need none (inside withoutGradients, or on frozen weights)"
    )
    check(
        filter.rank == 4,
        "conv2dInference: filter must be HWIO rank 4, got filter \(filter.shape) for input \(input.shape)"
    )
    let g = WindowGeometry(
        op: "conv2dInference", input: input.shape, window: (filter.shape[0], filter.shape[1]),
        strides: strides, padding: padding, detail: "filter \(filter.shape)")
    check(
        filter.shape[2] == g.c,
        "conv2dInference: input channels \(g.c) do not match filter input channels \(filter.shape[2]) (input \(input.shape), filter \(filter.shape))"
    )
    let o = filter.shape[3]
    check(
        bias.count == o,
        "conv2dInference: \(bias.count) biases for \(o) output channels (filter \(filter.shape))")
    let out = conv2dForward(
        g, input.scalars, filter.scalars, outChannels: o,
        epilogue: Epilogue(bias: bias, clamp: clamp))
    return Tensor(unchecked: [g.n, g.oh, g.ow, o], out)
}

/// `clamp(depthwiseConv2d(input, filter) + bias)` for inference; records no gradient.
public func depthwiseConv2dInference(
    _ input: Tensor, filter: Tensor, bias: [Float], strides: (Int, Int) = (1, 1),
    padding: Padding = .valid, clamp: ClosedRange<Float>? = nil
) -> Tensor {
    check(
        !input.requiresGradient && !filter.requiresGradient,
        "depthwiseConv2dInference: records no gradient; call it on tensors that need none (inside withoutGradients, or on frozen weights)"
    )
    check(
        filter.rank == 4,
        "depthwiseConv2dInference: filter must be [KH, KW, C, 1], got filter \(filter.shape) for input \(input.shape)"
    )
    let g = WindowGeometry(
        op: "depthwiseConv2dInference", input: input.shape,
        window: (filter.shape[0], filter.shape[1]),
        strides: strides, padding: padding, detail: "filter \(filter.shape)")
    check(
        filter.shape[2] == g.c && filter.shape[3] == 1,
        "depthwiseConv2dInference: filter must be [KH, KW, \(g.c), 1] for input \(input.shape), got filter \(filter.shape)"
    )
    check(bias.count == g.c, "depthwiseConv2dInference: \(bias.count) biases for \(g.c) channels")
    let out = depthwiseForward(
        g, input.scalars, filter.scalars, epilogue: Epilogue(bias: bias, clamp: clamp))
    return Tensor(unchecked: g.outputShape, out)
}
