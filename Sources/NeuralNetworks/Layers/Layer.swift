import Checksums
import Foundation
import Tensors
import Preconditions

/// One weight a layer owns: a trainable weight (kernel, bias, BN γ/β) or state that is
/// never trained (BN moving statistics, Keras' non-trainable weights).
public struct LayerWeight {
    /// Keras' variable name: `kernel`, `bias`, `gamma`, `beta`, `moving_mean`, `moving_variance`.
    public let variable: String
    public let parameter: Parameter
    public let isState: Bool
}

/// The layer contract: a named function of one tensor with weights found by walking.
///
/// Conform by subclassing ``BaseLayer`` (which stores the name, trainable switch and
/// weights) and overriding ``forward(_:)``; call layers with `layer(x)`. Container layers
/// list their children in ``sublayers`` so that walking finds every weight:
/// parameter keys are `<layer name>.<variable>` (`block_1_expand_BN.moving_mean`).
public protocol Layer: AnyObject {
    /// Unique within a model; empty until a ``Sequential`` or ``Model`` names it.
    var name: String { get set }
    /// Keras' class name (`Conv2D`), used for default names, summaries and `.keras` weight paths.
    var kerasClass: String { get }
    /// The layer's own weights (not its sublayers'), in Keras' variable order.
    var ownWeights: [LayerWeight] { get }
    /// Direct children, in call order.
    var sublayers: [Layer] { get }
    /// Keras `layer.trainable`: false freezes this layer's weights and those of every
    /// sublayer; a frozen BatchNorm also switches to its moving statistics.
    var isTrainable: Bool { get set }
    /// The layer's computation; call the layer (`layer(x)`) rather than this.
    func forward(_ x: Tensor) -> Tensor
    /// The configuration that fixes what the layer computes (for cache keys), e.g. `Conv2D(32,3x3,s1,same,bias)`.
    var configuration: String { get }
}

extension Layer {
    /// Runs the layer (and records its output shape when a summary is being traced).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let y = forward(x)
        if let trace = LayerTrace.current { trace.record(self, y.shape) }
        return y
    }

    /// This layer and every layer below it, depth first, parents before children.
    public var allLayers: [Layer] {
        var out: [Layer] = []
        var stack: [Layer] = [self]
        while let l = stack.popLast() {
            out.append(l)
            stack.append(contentsOf: l.sublayers.reversed())
        }
        return out
    }

    /// Every weight with its key, in walking order: `[("Conv1.kernel", p), …]`.
    public var namedWeights: [(key: String, weight: LayerWeight)] {
        allLayers.flatMap { l in l.ownWeights.map { ("\(l.name).\($0.variable)", $0) } }
    }

    /// The weights the optimizer updates (trainable and not frozen).
    public var trainableParameters: [Parameter] {
        namedWeights.map(\.weight.parameter).filter(\.isTrainable)
    }

    /// A sublayer by name, anywhere below this layer.
    public func layer(named name: String) -> Layer? { allLayers.first { $0.name == name } }
}

/// The base class of every built-in layer; subclass it to write your own.
///
/// Weights are created on the first call, when the input shape is known (as Keras'
/// `build`), from the model's seed and the weight's key, so initialisation does not
/// depend on the order layers are built in:
/// ```swift
/// final class Scale: BaseLayer {
///     override var kerasClass: String { "Scale" }
///     override func forward(_ x: Tensor) -> Tensor {
///         let s = weight("scale", shape: [x.shape.last!], initializer: .ones)
///         return x * s.value
///     }
/// }
/// ```
open class BaseLayer: Layer {
    public var name: String
    public private(set) var ownWeights: [LayerWeight] = []
    /// The input shape (without batch) of the last ``Layer/build(inputShape:seed:)``.
    public internal(set) var builtInputShape: [Int]?
    open var sublayers: [Layer] { [] }
    open var kerasClass: String { String(describing: type(of: self)) }
    open var configuration: String { kerasClass }

    public var isTrainable: Bool = true {
        didSet {
            for w in ownWeights { w.parameter.isTrainable = isTrainable && !w.isState }
            for s in sublayers { s.isTrainable = isTrainable }
        }
    }

    public init(name: String = "") { self.name = name }

    open func forward(_ x: Tensor) -> Tensor {
        fatalError("\(kerasClass) '\(name)': subclasses of BaseLayer must override forward(_:)")
    }

    /// The weight `variable`, created with `initializer` on first use.
    ///
    /// Traps with a message if the layer is later called with an input that needs
    /// another shape (a layer is built for one input shape, as in Keras).
    public func weight(
        _ variable: String, shape: [Int], initializer: Initializer, isState: Bool = false
    ) -> Parameter {
        if let w = ownWeights.first(where: { $0.variable == variable }) {
            check(
                w.parameter.shape == shape,
                "\(kerasClass) '\(name)': built for \(variable) \(w.parameter.shape), now called with an input needing \(shape)"
            )
            return w.parameter
        }
        var generator = RandomGenerator(
            seed: BuildSeed.current, stream: stableHash("\(name).\(variable)"))
        let p = Parameter(
            initializer.make(shape, generator: &generator), name: "\(name).\(variable)",
            isTrainable: isTrainable && !isState)
        ownWeights.append(LayerWeight(variable: variable, parameter: p, isState: isState))
        return p
    }
}

/// A stable stream number for a name (Swift's `hashValue` is randomised per run).
func stableHash(_ s: String) -> UInt64 { FNV1a.hash64(s) }

/// The seed weights are initialised from while a model is built.
public enum BuildSeed {
    @TaskLocal static var value: UInt64 = 0
    public static var current: UInt64 { value }
}

/// A training forward pass: batch norm uses batch statistics, dropout drops.
///
/// Outside one (the default) every layer runs in inference mode: that is the explicit
/// train/eval switch, and it touches only BatchNorm and Dropout. BatchNorm's moving
/// statistics are not changed during the pass but queued, and applied by ``commit()``
/// (fit commits only after checking the loss is finite, so a NaN batch leaves the
/// model as it was).
public final class TrainingPass: @unchecked Sendable {
    // @unchecked: a pass lives on the one thread running the training step.
    public let seed: UInt64
    public let step: Int
    /// The rows of the step's batch this pass sees (nil: all of it). With the batch split
    /// across ranks, dropout draws these rows of the whole batch's mask, so the ranks drop
    /// what one process would.
    public let rows: Range<Int>?
    private(set) var pending: [(Parameter, Tensor)] = []

    public init(seed: UInt64, step: Int, rows: Range<Int>? = nil) {
        self.seed = seed
        self.step = step
        self.rows = rows
    }

    func queue(_ p: Parameter, _ value: Tensor) { pending.append((p, value)) }

    /// Writes the queued moving-statistics updates.
    public func commit() {
        for (p, v) in pending { p.value = v }
        pending.removeAll()
    }

    @TaskLocal static var current: TrainingPass?

    /// Runs `body` as a training pass (and commits the statistics if `commit` is true).
    public static func run<R>(
        seed: UInt64, step: Int, rows: Range<Int>? = nil, commit: Bool = true,
        _ body: (TrainingPass) throws -> R
    ) rethrows -> R {
        let pass = TrainingPass(seed: seed, step: step, rows: rows)
        let r = try $current.withValue(pass) { try body(pass) }
        if commit { pass.commit() }
        return r
    }
}

/// Records each layer's output shape while a summary traces the model.
final class LayerTrace: @unchecked Sendable {
    // @unchecked: used by one thread during one summary() call.
    var shapes: [ObjectIdentifier: [Int]] = [:]
    func record(_ layer: Layer, _ shape: [Int]) { shapes[ObjectIdentifier(layer)] = shape }
    @TaskLocal static var current: LayerTrace?
}
