import Tensors

/// A layer written as a closure over tensor ops (Keras `Lambda`); it has no weights.
/// Autodiff differentiates it, so it trains without a hand-written backward pass.
///
/// ```swift
/// Lambda("swish") { x in x * sigmoid(x) }
/// ```
public final class Lambda: BaseLayer {
    private let body: (Tensor) -> Tensor
    private let identity: String
    override public var kerasClass: String { "Lambda" }
    /// `identity` names the function for the training cache (closures cannot be compared);
    /// without one, fit does not use the cache unless given a `cacheKey`.
    override public var configuration: String { "Lambda(\(identity))" }

    public init(_ name: String = "", identity: String? = nil, _ body: @escaping (Tensor) -> Tensor)
    {
        self.body = body
        self.identity = identity ?? unhashableIdentity
        super.init(name: name)
    }

    override public func forward(_ x: Tensor) -> Tensor { body(x) }
}
