import Tensors
import Preconditions

/// A model cut into two runnable halves at a layer: `front` maps the input to that layer's
/// output, `back` maps it on to the model's output. Nested `Sequential`s are opened;
/// branched blocks (`Residual`, `CBAM`) are cut only at their boundaries.
///
///     let probe = try LayerProbe(model, at: "block_5_add")
///     let features = probe.front(x)          // [N, 6, 6, 32] for a 48x48 MobileNetV2
///     let probabilities = probe.back(features)
public struct LayerProbe {
    /// Every layer on the model's straight path, in order.
    public let path: [Layer]
    /// Index in `path` of the layer the model is cut after.
    public let cut: Int

    public init(_ model: Layer, at name: String) throws {
        let path = LayerProbe.straightPath(model)
        guard let cut = path.firstIndex(where: { $0.name == name }) else {
            throw TrainingError(
                "LayerProbe: no layer named '\(name)' on the model's straight path; "
                    + "names there: \(path.map(\.name).suffix(40).joined(separator: ", "))")
        }
        self.path = path
        self.cut = cut
    }

    public init(_ model: Layer, cutAfter index: Int) {
        path = LayerProbe.straightPath(model)
        check(
            path.indices.contains(index),
            "LayerProbe: index \(index) is outside the path of \(path.count) layers")
        cut = index
    }

    public var layer: Layer { path[cut] }

    public func front(_ x: Tensor) -> Tensor { path[...cut].reduce(x) { $1($0) } }
    public func back(_ h: Tensor) -> Tensor { path[(cut + 1)...].reduce(h) { $1($0) } }

    /// The layers a forward pass runs one after another: `Sequential`s are opened.
    public static func straightPath(_ model: Layer) -> [Layer] {
        if let s = model as? Sequential { return s.layers.flatMap(straightPath) }
        return [model]
    }

    /// The deepest cut whose output is a feature map [N, H, W, C] with H, W ≥ `minimumSide`,
    /// found by running one input; nil if there is none.
    public static func deepestFeatureMap(_ model: Layer, input: Tensor, minimumSide: Int)
        -> LayerProbe?
    {
        let path = straightPath(model)
        var h = input, found: Int?
        withoutGradients {
            for (i, l) in path.enumerated() {
                h = l(h)
                if h.rank == 4 && h.shape[1] >= minimumSide && h.shape[2] >= minimumSide {
                    found = i
                }
            }
        }
        return found.map { LayerProbe(model, cutAfter: $0) }
    }
}

/// Grad-CAM (Selvaraju et al., ICCV 2017, arXiv:1610.02391): where in the image a model's
/// evidence for a class lies. The feature map A at the probe's cut is weighted per channel
/// by the spatial mean of ∂score/∂A, summed over channels and passed through ReLU.
///
/// The score is log p(class) of the model's softmax output (the paper uses the pre-softmax
/// logit; the log-probability subtracts the evidence shared by all classes, which makes the
/// maps a little more class-specific). Returns one map per image, [H′ × W′] values scaled
/// to 0...1 (all zeros when the model has no positive evidence), with H′, W′ the cut's size.
public func gradCAM(_ probe: LayerProbe, images: Tensor, classes: [Int]) -> (
    maps: [[Float]], height: Int, width: Int
) {
    check(
        images.shape.first == classes.count,
        "gradCAM: \(classes.count) classes for \(images.shape.first ?? 0) images \(images.shape)")
    let features = withoutGradients { probe.front(images) }
    check(
        features.rank == 4,
        "gradCAM: the cut after '\(probe.layer.name)' gives \(features.shape), not a feature map")
    let a = Parameter(features, name: "gradcam/features")
    let probabilities = probe.back(a.value)
    let k = probabilities.shape.last!
    let score = (log(probabilities + 1e-7) * oneHot(classes, depth: k)).sum()
    let gradient = gradients(of: score, wrt: [a])[0]
    let (n, h, w, c) = (features.shape[0], features.shape[1], features.shape[2], features.shape[3])
    let weights = gradient.mean(alongAxes: [1, 2]).scalars  // [N, C]
    let values = features.scalars
    var maps: [[Float]] = []
    for i in 0..<n {
        var map = [Float](repeating: 0, count: h * w)
        for p in 0..<(h * w) {
            var s: Float = 0
            for ch in 0..<c { s += weights[i * c + ch] * values[(i * h * w + p) * c + ch] }
            map[p] = max(s, 0)
        }
        let top = map.max() ?? 0
        if top > 0 { for p in map.indices { map[p] /= top } }
        maps.append(map)
    }
    return (maps, h, w)
}
