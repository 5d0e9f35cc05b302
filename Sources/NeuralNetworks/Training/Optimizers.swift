import Foundation
import _CKernels
import Tensors
import Preconditions

/// Updates weights from gradients. Testable on its own with plain keys and arrays:
/// ```swift
/// let adam = Adam(learningRate: 1e-3)
/// var w: [Float] = [1, 2]
/// adam.beginStep()
/// adam.update("w", value: &w, gradient: [0.1, -0.2])
/// ```
/// State (moments) is kept per key; ``state`` and ``loadState(_:iterations:)`` round-trip it
/// through checkpoints as `<slot>/<key>` arrays.
public protocol Optimizer: AnyObject {
    var learningRate: Double { get set }
    /// Steps taken (Keras `optimizer.iterations`).
    var iterations: Int { get }
    /// Starts a step: counts it (Adam's bias correction uses the count).
    func beginStep()
    /// Updates one weight in place.
    func update(_ key: String, value: inout [Float], gradient: [Float])
    var state: [NamedArray] { get }
    func loadState(_ arrays: [NamedArray], iterations: Int) throws
    /// Type and hyper-parameters, for checkpoints and the training cache.
    var configuration: String { get }
}

extension Optimizer {
    /// One step over parameters with gradients: beginStep, then update each.
    public func apply(_ updates: [(key: String, parameter: Parameter, gradient: Tensor)]) {
        beginStep()
        for u in updates {
            // In place: copying every weight each step cost 6% of a ResNet50 step (perf).
            u.parameter.updateScalars { update(u.key, value: &$0, gradient: u.gradient.scalars) }
        }
    }
}

/// Per-key moment buffers shared by the optimizers below (subclass it for a new optimizer).
/// Buffers are boxed so a step updates them in place (no per-step copies).
open class SlotOptimizer {
    final class Buffer {
        var values: [Float]
        init(_ values: [Float]) { self.values = values }
    }
    var slots: [String: [String: Buffer]] = [:]  // slot name → key → values
    public internal(set) var iterations = 0
    public init() {}

    /// The buffer of `slot` for `key`, zeros of `count` on first use.
    func buffer(_ slot: String, _ key: String, count: Int) -> Buffer {
        if let b = slots[slot]?[key], b.values.count == count { return b }
        let b = Buffer([Float](repeating: 0, count: count))
        slots[slot, default: [:]][key] = b
        return b
    }

    public var state: [NamedArray] {
        slots.keys.sorted().flatMap { slot in
            slots[slot]!.keys.sorted().map { key in
                let v = slots[slot]![key]!.values
                return NamedArray(name: "\(slot)/\(key)", shape: [v.count], values: v)
            }
        }
    }

    public func loadState(_ arrays: [NamedArray], iterations: Int) throws {
        slots = [:]
        for a in arrays {
            guard let slash = a.name.firstIndex(of: "/") else {
                throw TrainingError("optimizer state '\(a.name)' is not '<slot>/<key>'")
            }
            slots[String(a.name[..<slash]), default: [:]][
                String(a.name[a.name.index(after: slash)...])] = Buffer(a.values)
        }
        self.iterations = iterations
    }

    public func beginStep() { iterations += 1 }
}

/// Adam with Keras' defaults (lr 1e-3, β₁ 0.9, β₂ 0.999, ε 1e-7) and Keras' update:
/// m += (g − m)(1 − β₁); v += (g² − v)(1 − β₂); α = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ);
/// θ −= α·m/(√v + ε). (PyTorch adds ε to √v̂ instead, with ε 1e-8.)
public final class Adam: SlotOptimizer, Optimizer {
    public var learningRate: Double
    public let beta1: Double, beta2: Double, epsilon: Double
    /// AdamW's decoupled decay (0 for Adam): θ −= θ·wd·lr before the Adam step, as Keras.
    public let weightDecay: Double

    public init(
        learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
        epsilon: Double = 1e-7,
        weightDecay: Double = 0
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public var configuration: String {
        "\(weightDecay == 0 ? "Adam" : "AdamW")(lr:\(learningRate),b1:\(beta1),b2:\(beta2),eps:\(epsilon),wd:\(weightDecay))"
    }

    public func update(_ key: String, value: inout [Float], gradient: [Float]) {
        check(
            value.count == gradient.count,
            "Adam: '\(key)' has \(value.count) values and \(gradient.count) gradients")
        let t = Double(max(iterations, 1))
        let alpha = Float(learningRate * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t)))
        let b1 = Float(beta1), b2 = Float(beta2), eps = Float(epsilon)
        let decay = Float(weightDecay * learningRate)
        let mb = buffer("m", key, count: value.count), vb = buffer("v", key, count: value.count)
        let n = value.count
        value.withUnsafeMutableBufferPointer { w in
            gradient.withUnsafeBufferPointer { g in
                mb.values.withUnsafeMutableBufferPointer { m in
                    vb.values.withUnsafeMutableBufferPointer { v in
                        if decay != 0 {
                            for i in 0..<n { w[i] -= w[i] * decay }
                        }
                        if emk_uses_avx512() != 0 {
                            // The same arithmetic, 16 lanes at a time (bitwise equal).
                            emk_adam_update(
                                w.baseAddress!, g.baseAddress!, m.baseAddress!, v.baseAddress!, n,
                                alpha, b1, b2, eps)
                            return
                        }
                        for i in 0..<n {
                            m[i] += (g[i] - m[i]) * (1 - b1)
                            v[i] += (g[i] * g[i] - v[i]) * (1 - b2)
                            w[i] -= alpha * m[i] / (v[i].squareRoot() + eps)
                        }
                    }
                }
            }
        }
    }
}

// swift-format-ignore: AlwaysUseLowerCamelCase
// (named like a type on purpose: Keras' spelling of what it builds)
/// Keras `AdamW` (default weight decay 0.004): Adam with decoupled weight decay.
public func AdamW(
    learningRate: Double = 1e-3, weightDecay: Double = 0.004, beta1: Double = 0.9,
    beta2: Double = 0.999, epsilon: Double = 1e-7
) -> Adam {
    Adam(
        learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
        weightDecay: weightDecay)
}

/// Keras `SGD`: without momentum θ −= lr·g; with momentum m = μ·m − lr·g, then
/// θ += m, or with Nesterov θ += μ·m − lr·g.
public final class SGD: SlotOptimizer, Optimizer {
    public var learningRate: Double
    public let momentum: Double
    public let nesterov: Bool

    public init(learningRate: Double = 0.01, momentum: Double = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
    }

    public var configuration: String {
        "SGD(lr:\(learningRate),m:\(momentum),nesterov:\(nesterov))"
    }

    public func update(_ key: String, value: inout [Float], gradient: [Float]) {
        check(
            value.count == gradient.count,
            "SGD: '\(key)' has \(value.count) values and \(gradient.count) gradients")
        let lr = Float(learningRate), mu = Float(momentum)
        guard momentum > 0 else {
            for i in 0..<value.count { value[i] -= lr * gradient[i] }
            return
        }
        let mb = buffer("momentum", key, count: value.count)
        let n = value.count, nesterov = self.nesterov
        value.withUnsafeMutableBufferPointer { w in
            gradient.withUnsafeBufferPointer { g in
                mb.values.withUnsafeMutableBufferPointer { m in
                    for i in 0..<n {
                        m[i] = mu * m[i] - lr * g[i]
                        w[i] += nesterov ? mu * m[i] - lr * g[i] : m[i]
                    }
                }
            }
        }
    }
}
