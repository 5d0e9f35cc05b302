import Tensors

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

    public convenience init(name: String = "", @LayerBuilder _ body: () throws -> [Layer]) rethrows
    {
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
