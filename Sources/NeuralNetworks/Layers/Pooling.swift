import Tensors
import Preconditions

/// Max pooling (Keras `MaxPooling2D`; strides default to the pool size).
public final class MaxPool2D: BaseLayer {
    public let size: Int, strides: Int, padding: Padding
    override public var kerasClass: String { "MaxPooling2D" }
    override public var configuration: String { "MaxPool2D(\(size),s\(strides),\(padding))" }
    public init(_ size: Int = 2, strides: Int? = nil, padding: Padding = .valid, name: String = "")
    {
        self.size = size; self.strides = strides ?? size; self.padding = padding
        super.init(name: name)
    }
    override public func forward(_ x: Tensor) -> Tensor {
        maxPool2d(x, size: (size, size), strides: (strides, strides), padding: padding)
    }
}

/// Average pooling (Keras `AveragePooling2D`).
public final class AvgPool2D: BaseLayer {
    public let size: Int, strides: Int, padding: Padding
    override public var kerasClass: String { "AveragePooling2D" }
    override public var configuration: String { "AvgPool2D(\(size),s\(strides),\(padding))" }
    public init(_ size: Int = 2, strides: Int? = nil, padding: Padding = .valid, name: String = "")
    {
        self.size = size; self.strides = strides ?? size; self.padding = padding
        super.init(name: name)
    }
    override public func forward(_ x: Tensor) -> Tensor {
        avgPool2d(x, size: (size, size), strides: (strides, strides), padding: padding)
    }
}

/// Mean over H and W: `[N, H, W, C]` → `[N, C]` (Keras `GlobalAveragePooling2D`).
public final class GlobalAveragePooling: BaseLayer {
    override public var kerasClass: String { "GlobalAveragePooling2D" }
    override public func forward(_ x: Tensor) -> Tensor {
        check(x.rank == 4, "GlobalAveragePooling '\(name)' expects NHWC rank 4, got \(x.shape)")
        return globalAvgPool2d(x)
    }
}

/// Max over H and W: `[N, H, W, C]` → `[N, C]` (Keras `GlobalMaxPooling2D`).
public final class GlobalMaxPooling: BaseLayer {
    override public var kerasClass: String { "GlobalMaxPooling2D" }
    override public func forward(_ x: Tensor) -> Tensor {
        check(x.rank == 4, "GlobalMaxPooling '\(name)' expects NHWC rank 4, got \(x.shape)")
        return globalMaxPool2d(x)
    }
}
