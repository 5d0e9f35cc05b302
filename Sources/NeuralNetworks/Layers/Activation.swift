// swift-format-ignore-file: AlwaysUseLowerCamelCase
// (`ReLU()`, `Softmax()`, … are functions named like the Keras layers they build.)

import Tensors

/// An elementwise activation, as Keras names them.
public enum Activation: String, Sendable, Codable {
    case linear, relu, relu6, sigmoid, tanh, softmax

    public func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .linear: return x
        case .relu: return Tensors.relu(x)
        case .relu6: return Tensors.relu6(x)
        case .sigmoid: return Tensors.sigmoid(x)
        case .tanh: return Tensors.tanh(x)
        case .softmax: return Tensors.softmax(x)
        }
    }

    /// ReLU and ReLU6 as the rectifier fused ops take; nil for the others.
    var rectifier: Rectifier? {
        switch self {
        case .relu: return .relu
        case .relu6: return .relu6
        default: return nil
        }
    }
}

/// An activation as a layer (Keras `Activation`, `ReLU`, `Softmax`).
public final class ActivationLayer: BaseLayer, SoftmaxOutput {
    public let activation: Activation
    private let keras: String
    override public var kerasClass: String { keras }
    override public var configuration: String { "\(keras)(\(activation.rawValue))" }

    public init(_ activation: Activation, name: String = "", kerasClass: String = "Activation") {
        self.activation = activation
        self.keras = kerasClass
        super.init(name: name)
    }

    override public func forward(_ x: Tensor) -> Tensor { activation.apply(x) }
    public var endsInSoftmax: Bool { activation == .softmax }
    public func preSoftmax(_ x: Tensor) -> Tensor { x }
}

/// Keras `ReLU()`; `ReLU(maxValue: 6)` is ReLU6 as MobileNetV2 uses it.
public func ReLU(maxValue: Float? = nil, name: String = "") -> ActivationLayer {
    ActivationLayer(maxValue == 6 ? .relu6 : .relu, name: name, kerasClass: "ReLU")
}

/// ReLU clipped at 6 (Keras `ReLU(6.)`).
public func ReLU6(name: String = "") -> ActivationLayer {
    ActivationLayer(.relu6, name: name, kerasClass: "ReLU")
}
public func Sigmoid(name: String = "") -> ActivationLayer { ActivationLayer(.sigmoid, name: name) }
public func Softmax(name: String = "") -> ActivationLayer {
    ActivationLayer(.softmax, name: name, kerasClass: "Softmax")
}
