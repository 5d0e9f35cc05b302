import Tensors

/// Batch normalisation over the last axis (Keras `BatchNormalization`, defaults
/// ε = 1e-3, momentum = 0.99). Weights `gamma`, `beta` (trainable) and `moving_mean`,
/// `moving_variance` (state).
///
/// In a ``TrainingPass`` it normalises with batch statistics (biased variance) and
/// queues moving = m·moving + (1−m)·batch; otherwise it uses the moving statistics.
/// A frozen layer (`isTrainable = false`) always uses the moving statistics, as Keras 3.
public final class BatchNorm: BaseLayer {
    public let epsilon: Float
    /// Keras semantics: moving = momentum · moving + (1 − momentum) · batch. Settable, so a
    /// model trained from scratch for a few hundred steps can use a faster average.
    public var momentum: Float
    override public var kerasClass: String { "BatchNormalization" }
    override public var configuration: String { "BatchNorm(eps:\(epsilon),m:\(momentum))" }

    public init(epsilon: Float = 1e-3, momentum: Float = 0.99, name: String = "") {
        self.epsilon = epsilon
        self.momentum = momentum
        super.init(name: name)
    }

    override public func forward(_ x: Tensor) -> Tensor { forward(x, rectifier: nil) }

    /// The layer followed by a ReLU/ReLU6 (`rectifier`); the rectifier is applied in the same
    /// pass in training (see `batchNormTraining`) and after the layer otherwise.
    func forward(_ x: Tensor, rectifier: Rectifier?) -> Tensor {
        let c = x.shape.last ?? 0
        let gamma = weight("gamma", shape: [c], initializer: .ones)
        let beta = weight("beta", shape: [c], initializer: .zeros)
        let mean = weight("moving_mean", shape: [c], initializer: .zeros, isState: true)
        let variance = weight("moving_variance", shape: [c], initializer: .ones, isState: true)
        if let pass = TrainingPass.current, isTrainable {
            let r = batchNormTraining(
                x, scale: gamma.value, offset: beta.value, epsilon: epsilon,
                rectifier: rectifier)
            pass.queue(mean, movingAverage(mean.value, batch: r.mean, momentum: momentum))
            pass.queue(
                variance, movingAverage(variance.value, batch: r.variance, momentum: momentum))
            return r.output
        }
        let y = batchNormInference(
            x, mean: mean.value, variance: variance.value, scale: gamma.value,
            offset: beta.value, epsilon: epsilon)
        switch rectifier {
        case nil: return y
        case .relu: return relu(y)
        case .relu6: return relu6(y)
        }
    }
}
