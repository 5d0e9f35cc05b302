import Tensors

/// `[N, …]` → `[N, product]` (Keras `Flatten`).
public final class Flatten: BaseLayer {
    override public var kerasClass: String { "Flatten" }
    override public func forward(_ x: Tensor) -> Tensor {
        x.reshaped(to: [x.shape[0], x.shape.dropFirst().reduce(1, *)])
    }
}

/// Repeats a single channel to `channels` (grayscale → RGB for ImageNet-shaped bases,
/// as Keras' `color_mode="rgb"` loading did in the report).
public final class RepeatChannels: BaseLayer {
    public let channels: Int
    override public var kerasClass: String { "RepeatChannels" }
    override public var configuration: String { "RepeatChannels(\(channels))" }
    public init(_ channels: Int = 3, name: String = "") {
        self.channels = channels
        super.init(name: name)
    }
    override public func forward(_ x: Tensor) -> Tensor {
        guard x.shape.last == 1 else { return x }
        return concat(Array(repeating: x, count: channels), alongAxis: x.rank - 1)
    }
}

/// x · scale + offset (Keras `Rescaling`); `Rescaling(scale: 1/127.5, offset: -1)` is
/// MobileNetV2's preprocessing, `Rescaling(scale: 1/255)` the report's.
public final class Rescaling: BaseLayer {
    public let scale: Float, offset: Float
    override public var kerasClass: String { "Rescaling" }
    override public var configuration: String { "Rescaling(\(scale),\(offset))" }
    public init(scale: Float, offset: Float = 0, name: String = "") {
        self.scale = scale; self.offset = offset
        super.init(name: name)
    }
    override public func forward(_ x: Tensor) -> Tensor { x * scale + offset }
}

/// `x + body(x)`, or `shortcut(x) + body(x)` (Keras `Add` of two branches).
public final class Residual: BaseLayer {
    public let body: Layer
    public let shortcut: Layer?
    override public var sublayers: [Layer] { shortcut.map { [$0, body] } ?? [body] }
    override public var kerasClass: String { "Add" }
    override public var configuration: String {
        "Residual(\(shortcut.map { $0.configuration } ?? "identity"),\(body.configuration))"
    }

    public init(name: String = "", shortcut: Layer? = nil, body: Layer) {
        self.body = body
        self.shortcut = shortcut
        super.init(name: name)
    }

    public convenience init(name: String = "", @LayerBuilder _ body: () throws -> [Layer]) rethrows {
        self.init(name: name, body: Sequential(layers: try body()))
    }

    override public func forward(_ x: Tensor) -> Tensor {
        let s = shortcut.map { $0(x) } ?? x
        return s + body(x)
    }

    /// The block followed by a ReLU/ReLU6: the sum and the activation in one pass.
    func forward(_ x: Tensor, rectifier: Rectifier) -> Tensor {
        let s = shortcut.map { $0(x) } ?? x
        return add(s, body(x), rectifier: rectifier)
    }
}
