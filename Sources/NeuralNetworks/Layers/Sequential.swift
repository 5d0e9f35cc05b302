import Tensors

/// Collects layers in a `Sequential { … }` body; `if`, `if/else` and `for` work.
@resultBuilder
public enum LayerBuilder {
    public static func buildExpression(_ layer: Layer) -> [Layer] { [layer] }
    public static func buildExpression(_ layers: [Layer]) -> [Layer] { layers }
    public static func buildBlock(_ parts: [Layer]...) -> [Layer] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Layer]?) -> [Layer] { part ?? [] }
    public static func buildEither(first part: [Layer]) -> [Layer] { part }
    public static func buildEither(second part: [Layer]) -> [Layer] { part }
    public static func buildArray(_ parts: [[Layer]]) -> [Layer] { parts.flatMap { $0 } }
    public static func buildLimitedAvailability(_ part: [Layer]) -> [Layer] { part }
}

/// Layers applied one after another (Keras `Sequential`).
///
/// ```swift
/// let model = Sequential {
///     Conv2D(32, kernel: 3, padding: .same); BatchNorm(); ReLU()
///     for filters in [64, 128] { Conv2D(filters, kernel: 3, strides: 2) }
///     if useDropout { Dropout(0.5) }
///     GlobalAveragePooling()
///     Dense(7, activation: .softmax)
/// }
/// ```
/// Layers without a name get Keras-style names (`conv2d`, `conv2d_1`, …) unique in the tree.
public final class Sequential: BaseLayer {
    public private(set) var layers: [Layer]
    override public var sublayers: [Layer] { layers }
    override public var kerasClass: String { "Sequential" }
    override public var configuration: String {
        "Sequential[" + layers.map { "\($0.name):\($0.configuration)" }.joined(separator: ";") + "]"
    }

    /// The body may throw (`Sequential { try MobileNetV2(weights: url) … }`); so does the init then.
    public init(name: String = "", @LayerBuilder _ body: () throws -> [Layer]) rethrows {
        self.layers = try body()
        super.init(name: name)
        assignDefaultNames(root: self, rootName: "sequential")
    }

    public init(name: String = "", layers: [Layer]) {
        self.layers = layers
        super.init(name: name)
        assignDefaultNames(root: self, rootName: "sequential")
    }

    override public func forward(_ x: Tensor) -> Tensor { run(x, layers: layers.count) }

    /// The plans of the fused runs (Fusion.swift) this model's layers take, per mode.
    let fusion = FusionPlans()

    /// The first `count` layers applied to `x`: the steps of the plan for the current mode
    /// and weights (single layers and the fused runs of Fusion.swift), or every layer on its
    /// own while a summary is traced.
    private func run(_ x: Tensor, layers count: Int) -> Tensor {
        guard LayerTrace.current == nil else {
            return layers[..<count].reduce(x) { h, layer in layer(h) }
        }
        return fusion.plan(layers, end: count).steps.reduce(x) { h, step in run(step, h) }
    }

    /// The output before a final softmax, for losses computed from logits as Keras does.
    /// Nil when the last layer does not end in a softmax.
    public func logits(_ x: Tensor) -> Tensor? {
        guard let last = layers.last as? SoftmaxOutput, last.endsInSoftmax else {
            if let inner = layers.last as? Sequential {
                return inner.logits(run(x, layers: layers.count - 1))
            }
            return nil
        }
        let z = last.preSoftmax(run(x, layers: layers.count - 1))
        if let trace = LayerTrace.current { trace.record(last, z.shape) }
        return z
    }
}

/// A layer whose output is a softmax of something it can return instead (the logits).
public protocol SoftmaxOutput: Layer {
    var endsInSoftmax: Bool { get }
    func preSoftmax(_ x: Tensor) -> Tensor
}

/// Gives every unnamed layer in the tree a Keras-style name: the class in snake case,
/// then `_1`, `_2`, … when taken.
func assignDefaultNames(root: Layer, rootName: String) {
    let layers = root.allLayers
    var used = Set(layers.map(\.name).filter { !$0.isEmpty })
    func fresh(_ base: String) -> String {
        if !used.contains(base) { used.insert(base); return base }
        var i = 1
        while used.contains("\(base)_\(i)") { i += 1 }
        used.insert("\(base)_\(i)")
        return "\(base)_\(i)"
    }
    for l in layers where l.name.isEmpty {
        l.name = l === root ? fresh(rootName) : fresh(snakeCase(l.kerasClass))
    }
}

/// Keras' `to_snake_case`: `Conv2D` → `conv2d`, `BatchNormalization` → `batch_normalization`,
/// `DepthwiseConv2D` → `depthwise_conv2d`, `GlobalAveragePooling2D` → `global_average_pooling2d`.
func snakeCase(_ s: String) -> String {
    // Keras: re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name), then re.sub("([a-z])([A-Z])", r"\1_\2", ...).lower()
    let chars = Array(s)
    var step1: [Character] = []
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if i > 0, c.isUppercase, i + 1 < chars.count, chars[i + 1].isLowercase {
            step1.append("_")
        }
        step1.append(c)
        i += 1
    }
    var out: [Character] = []
    for (j, c) in step1.enumerated() {
        if j > 0, c.isUppercase, step1[j - 1].isLowercase { out.append("_") }
        out.append(c)
    }
    return String(out).lowercased()
}
