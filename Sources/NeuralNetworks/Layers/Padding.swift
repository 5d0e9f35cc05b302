import Preconditions
import Tensors

/// Zeros around H and W (Keras `ZeroPadding2D(((top, bottom), (left, right)))`).
public final class ZeroPadding2D: BaseLayer {
    public let top: Int, bottom: Int, left: Int, right: Int
    override public var kerasClass: String { "ZeroPadding2D" }
    override public var configuration: String { "ZeroPadding2D(\(top),\(bottom),\(left),\(right))" }
    public init(top: Int, bottom: Int, left: Int, right: Int, name: String = "") {
        self.top = top; self.bottom = bottom; self.left = left; self.right = right
        super.init(name: name)
    }
    public convenience init(_ padding: Int, name: String = "") {
        self.init(top: padding, bottom: padding, left: padding, right: padding, name: name)
    }
    override public func forward(_ x: Tensor) -> Tensor {
        x.zeroPadded(top: top, bottom: bottom, left: left, right: right)
    }
}

/// Keras' `ZeroPadding2D(correct_pad(x, k))` before a stride-2 valid convolution:
/// ((0,1),(0,1)) for even sizes (as TF "SAME"), ((1,1),(1,1)) for odd ones.
public final class CorrectPad: BaseLayer {
    public let kernel: Int
    override public var kerasClass: String { "ZeroPadding2D" }
    override public var configuration: String { "CorrectPad(\(kernel))" }
    public init(kernel: Int, name: String = "") {
        self.kernel = kernel
        super.init(name: name)
    }
    override public func forward(_ x: Tensor) -> Tensor {
        let p = padding(for: x.shape)
        return x.zeroPadded(top: p.top, bottom: p.bottom, left: p.left, right: p.right)
    }

    /// The rows and columns this layer adds to an NHWC input of `shape` (a following valid
    /// convolution can take them as explicit padding instead: `paddedDepthwise` in Fusion.swift).
    public func padding(for shape: [Int]) -> (top: Int, bottom: Int, left: Int, right: Int) {
        check(shape.count == 4, "CorrectPad '\(name)' expects NHWC rank 4, got \(shape)")
        let c = kernel / 2
        let adjustH = 1 - shape[1] % 2, adjustW = 1 - shape[2] % 2
        return (c - adjustH, c, c - adjustW, c)
    }
}
