import Preconditions
import Tensors

/// Inverted dropout (Keras `Dropout`); active only in a ``TrainingPass``. The mask comes
/// from the pass's seed, the step and this layer's name, so one seed fixes every mask; a
/// pass over some rows of a batch (a rank's shard) takes those rows of the batch's mask.
public final class Dropout: BaseLayer {
    public let rate: Float
    override public var kerasClass: String { "Dropout" }
    override public var configuration: String { "Dropout(\(rate))" }

    public init(_ rate: Float, name: String = "") {
        check(rate >= 0 && rate < 1, "Dropout '\(name)': rate must be in [0, 1), got \(rate)")
        self.rate = rate
        super.init(name: name)
    }

    override public func forward(_ x: Tensor) -> Tensor {
        guard let pass = TrainingPass.current, rate > 0 else { return x }
        var g = RandomGenerator(
            seed: pass.seed, stream: stableHash(name) &+ UInt64(pass.step) &* 0x9E37_79B9)
        return dropout(x, rate: rate, generator: &g, rows: pass.rows)
    }
}
