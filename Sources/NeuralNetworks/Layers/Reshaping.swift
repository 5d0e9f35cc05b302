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
