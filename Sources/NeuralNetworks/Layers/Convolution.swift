import Tensors
import Preconditions

/// 2-D convolution, NHWC, kernel HWIO (Keras `Conv2D`): glorot-uniform kernel, zero bias.
///
/// `padding: .same` is TF/Keras "SAME" (extra padding bottom/right when odd).
public final class Conv2D: BaseLayer {
    public let filters: Int
    public let kernelSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    public let useBias: Bool
    public let activation: Activation
    override public var kerasClass: String { "Conv2D" }
    override public var configuration: String {
        "Conv2D(\(filters),\(kernelSize.0)x\(kernelSize.1),s\(strides.0)x\(strides.1),\(padding),bias:\(useBias),\(activation.rawValue))"
    }

    public init(
        _ filters: Int, kernel: Int, strides: Int = 1, padding: Padding = .valid,
        useBias: Bool = true,
        activation: Activation = .linear, name: String = ""
    ) {
        check(
            filters > 0 && kernel > 0 && strides > 0,
            "Conv2D '\(name)': filters, kernel and strides must be positive, got \(filters), \(kernel), \(strides)"
        )
        self.filters = filters
        self.kernelSize = (kernel, kernel)
        self.strides = (strides, strides)
        self.padding = padding
        self.useBias = useBias
        self.activation = activation
        super.init(name: name)
    }

    override public func forward(_ x: Tensor) -> Tensor {
        check(x.rank == 4, "Conv2D '\(name)' expects NHWC rank 4, got \(x.shape)")
        let k = weight(
            "kernel", shape: [kernelSize.0, kernelSize.1, x.shape[3], filters],
            initializer: .glorotUniform)
        let bias = useBias ? weight("bias", shape: [filters], initializer: .zeros).value : nil
        return activation.apply(
            conv2d(x, filter: k.value, bias: bias, strides: strides, padding: padding))
    }
}

/// Depthwise convolution with depth multiplier 1 (Keras `DepthwiseConv2D`); kernel
/// `[KH, KW, C, 1]`, stored under the variable name `kernel` as Keras 3 does (legacy files'
/// `depthwise_kernel` is renamed on import).
public final class DepthwiseConv2D: BaseLayer {
    public let kernelSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    public let useBias: Bool
    override public var kerasClass: String { "DepthwiseConv2D" }
    override public var configuration: String {
        "DepthwiseConv2D(\(kernelSize.0)x\(kernelSize.1),s\(strides.0)x\(strides.1),\(padding),bias:\(useBias))"
    }

    public init(
        kernel: Int, strides: Int = 1, padding: Padding = .valid, useBias: Bool = true,
        name: String = ""
    ) {
        self.kernelSize = (kernel, kernel)
        self.strides = (strides, strides)
        self.padding = padding
        self.useBias = useBias
        super.init(name: name)
    }

    override public func forward(_ x: Tensor) -> Tensor { forward(x, padding: padding) }

    /// The layer with `padding` in place of its own (a padding layer before it folded in).
    func forward(_ x: Tensor, padding: Padding) -> Tensor {
        check(x.rank == 4, "DepthwiseConv2D '\(name)' expects NHWC rank 4, got \(x.shape)")
        let c = x.shape[3]
        let k = weight(
            "kernel", shape: [kernelSize.0, kernelSize.1, c, 1], initializer: .glorotUniform)
        var y = depthwiseConv2d(x, filter: k.value, strides: strides, padding: padding)
        if useBias { y = y + weight("bias", shape: [c], initializer: .zeros).value }
        return y
    }
}
