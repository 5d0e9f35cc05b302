import Preconditions
import Tensors

/// Fully connected layer on `[N, features]` (Keras `Dense`): kernel `[in, out]`, bias `[out]`.
public final class Dense: BaseLayer, SoftmaxOutput {
    public let units: Int
    public let activation: Activation
    public let useBias: Bool
    override public var kerasClass: String { "Dense" }
    override public var configuration: String {
        "Dense(\(units),\(activation.rawValue),bias:\(useBias))"
    }

    public init(
        _ units: Int, activation: Activation = .linear, useBias: Bool = true, name: String = ""
    ) {
        check(units > 0, "Dense '\(name)': units must be positive, got \(units)")
        self.units = units
        self.activation = activation
        self.useBias = useBias
        super.init(name: name)
    }

    public func preSoftmax(_ x: Tensor) -> Tensor {
        check(
            x.rank == 2,
            "Dense '\(name)' expects [N, features], got \(x.shape); add Flatten() or GlobalAveragePooling() before it"
        )
        let k = weight("kernel", shape: [x.shape[1], units], initializer: .glorotUniform)
        var y = matmul(x, k.value)
        if useBias { y = y + weight("bias", shape: [units], initializer: .zeros).value }
        return y
    }

    public var endsInSoftmax: Bool { activation == .softmax }

    override public func forward(_ x: Tensor) -> Tensor { activation.apply(preSoftmax(x)) }
}
