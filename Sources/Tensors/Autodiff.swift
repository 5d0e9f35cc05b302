import Preconditions

// Reverse-mode automatic differentiation.
//
// Every op whose input requires a gradient (depends on a trainable Parameter) and runs
// while recording is on returns a tensor carrying a Node: the op's inputs' nodes and a
// pullback closure that maps the gradient of the output to the gradients of the inputs.
// `backward()` sorts the graph reachable from the loss topologically, runs each
// pullback once, sums gradients for a tensor used more than once (residual branches),
// adds leaf gradients into `Parameter.gradient`, and drops every pullback as soon as it
// has run, so the intermediates it captured are freed.

/// Maps the gradient of an op's output to the gradients of its inputs.
/// `needs[i]` says whether input `i` wants a gradient; return nil where it does not.
typealias Pullback = (_ upstream: Tensor, _ needs: [Bool]) -> [Tensor?]

final class Node {
    /// The nodes of the op's inputs, nil for inputs that need no gradient.
    let inputs: [Node?]
    /// Runs once during backward, then is released.
    var pullback: Pullback?
    /// The parameter of a leaf node (weak: the parameter owns its leaf).
    weak var parameter: Parameter?
    /// Gradient collected so far during one backward pass.
    var gradient: Tensor?
    let shape: [Int]

    init(inputs: [Node?], shape: [Int], pullback: Pullback?) {
        self.inputs = inputs
        self.shape = shape
        self.pullback = pullback
    }

    init(leafOf parameter: Parameter, shape: [Int]) {
        self.inputs = []
        self.shape = shape
        self.pullback = nil
        self.parameter = parameter
    }
}

/// Whether ops record the gradient graph (on by default; off inside `withoutGradients`).
public enum GradientRecording {
    @TaskLocal static var isEnabled = true

    /// True when ops record pullbacks.
    public static var isOn: Bool { isEnabled }
}

/// Runs `body` without recording gradients: inference, metrics, optimizer updates.
///
///     let probabilities = withoutGradients { model(images) }
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradientRecording.$isEnabled.withValue(false, operation: body)
}

/// Runs `body` with recording on again (for example a training step called from an
/// inference context).
public func withGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradientRecording.$isEnabled.withValue(true, operation: body)
}

/// Builds an op's output: attaches a node when recording is on and an input needs a gradient.
func makeResult(
    _ shape: [Int], _ scalars: [Float], inputs: [Tensor],
    pullback: @escaping Pullback
) -> Tensor {
    guard GradientRecording.isEnabled, inputs.contains(where: { $0.node != nil }) else {
        return Tensor(unchecked: shape, scalars)
    }
    let node = Node(inputs: inputs.map(\.node), shape: shape, pullback: pullback)
    return Tensor(unchecked: shape, scalars, node: node)
}

/// A trainable (or frozen) value owned by a layer: a kernel, a bias, a BN scale.
///
/// Reading ``value`` while recording returns a tensor linked to this parameter, so a
/// loss computed from it can be differentiated; ``Tensor/backward()`` then adds into
/// ``gradient``. Assigning ``value`` (an optimizer step) replaces the data.
///
///     let w = Parameter(Tensor(zeros: [3, 2]), name: "dense/kernel")
///     let loss = matmul(x, w.value).sum()
///     loss.backward()
///     print(w.gradient!.shape)   // [3, 2]
public final class Parameter: @unchecked Sendable {
    // @unchecked: a parameter belongs to one model, updated by one training loop at a time.

    /// Checkpoint key, e.g. `block_1_expand/kernel`.
    public var name: String
    /// False freezes the parameter: reading `value` then records nothing.
    public var isTrainable: Bool
    /// Sum of the gradients of every `backward()` since the last ``zeroGradient()``.
    public var gradient: Tensor?

    private var stored: Tensor { didSet { version &+= 1 } }
    private var leaf: Node?

    /// Changes whenever the value does (set, or updated in place): lets a cache of
    /// something derived from the value (a folded inference filter) know it is stale.
    public private(set) var version = 0

    public init(_ value: Tensor, name: String = "", isTrainable: Bool = true) {
        self.stored = value.detached
        self.name = name
        self.isTrainable = isTrainable
    }

    /// The current value; linked to this parameter for autodiff when recording.
    public var value: Tensor {
        get {
            guard isTrainable, GradientRecording.isEnabled else { return stored }
            if leaf == nil || leaf!.shape != stored.shape {
                leaf = Node(leafOf: self, shape: stored.shape)
            }
            return Tensor(unchecked: stored.shape, stored.scalars, node: leaf)
        }
        set { stored = newValue.detached }
    }

    public var shape: [Int] { stored.shape }

    /// Updates the value in place (an optimizer step): `body` gets the row-major scalars.
    /// No copy is made unless another tensor still shares them (a graph not yet
    /// back-propagated, a snapshot), in which case that tensor keeps the old values.
    ///
    ///     p.withUnsafeMutableScalars { w in for i in w.indices { w[i] -= lr * g[i] } }
    public func withUnsafeMutableScalars<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R)
        rethrows -> R
    {
        try stored.scalars.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Updates the value in place through an array (an optimizer's `update`): the
    /// parameter lends its scalars, so no copy is made unless another tensor still shares
    /// them. Traps, naming the parameter, if `body` changes the count.
    public func updateScalars<R>(_ body: (inout [Float]) throws -> R) rethrows -> R {
        let count = stored.scalars.count
        defer {
            check(
                stored.scalars.count == count,
                "Parameter '\(name)': an update changed its \(count) values to \(stored.scalars.count)"
            )
        }
        return try body(&stored.scalars)
    }

    /// Forgets the accumulated gradient.
    public func zeroGradient() { gradient = nil }
}

extension Tensor {
    /// Back-propagates from this tensor into the ``Parameter/gradient`` of every trainable
    /// parameter it depends on (adding to what is there).
    ///
    /// - Parameter seed: the gradient of the final objective with respect to this tensor;
    ///   defaults to 1 and then requires a one-element tensor (a loss).
    ///
    /// The graph is consumed: each op's saved intermediates are released as its pullback
    /// runs, so call `backward()` once per forward pass.
    public func backward(seed: Tensor? = nil) {
        guard let root = node else { return }
        let seedGradient: Tensor
        if let seed {
            check(
                seed.shape == shape,
                "backward: seed shape \(seed.shape) differs from tensor shape \(shape)")
            seedGradient = seed.detached
        } else {
            check(
                count == 1,
                "backward: without a seed the tensor must have one element (a loss), got shape \(shape)"
            )
            seedGradient = Tensor(unchecked: shape, [1])
        }
        withoutGradients { runBackward(from: root, seed: seedGradient) }
    }
}

/// Returns the gradients of a one-element `loss` with respect to `parameters`, in order
/// (zeros for parameters the loss does not depend on), leaving `Parameter.gradient` as
/// it was before the call.
public func gradients(of loss: Tensor, wrt parameters: [Parameter]) -> [Tensor] {
    let saved = parameters.map(\.gradient)
    parameters.forEach { $0.gradient = nil }
    loss.backward()
    let result = parameters.map { $0.gradient ?? Tensor(zeros: $0.shape) }
    for (p, g) in zip(parameters, saved) { p.gradient = g }
    return result
}

/// Told during `backward()` when a parameter's gradient is complete for that pass, and
/// after every op's pullback: a data-parallel step starts summing gradients across
/// replicas while the rest of the backward pass runs.
public protocol BackwardObserver: AnyObject, Sendable {
    /// `parameter.gradient` holds everything this backward pass adds to it.
    func gradientReady(_ parameter: Parameter)
    /// One op's pullback ran (a moment to let communication progress).
    func pullbackDone()
}

public enum BackwardObservation {
    @TaskLocal public static var observer: BackwardObserver?
}

private func runBackward(from root: Node, seed: Tensor) {
    let observer = BackwardObservation.observer
    // Topological order by iterative depth-first search (graphs can be thousands deep).
    var order: [Node] = []
    var visited = Set<ObjectIdentifier>()
    var stack: [(Node, Int)] = [(root, 0)]
    visited.insert(ObjectIdentifier(root))
    while let (node, next) = stack.popLast() {
        if next < node.inputs.count {
            stack.append((node, next + 1))
            if let child = node.inputs[next], visited.insert(ObjectIdentifier(child)).inserted {
                stack.append((child, 0))
            }
        } else {
            order.append(node)
        }
    }
    root.gradient = seed
    for node in order.reversed() {
        guard let upstream = node.gradient else {
            node.pullback = nil
            continue
        }
        node.gradient = nil
        if let parameter = node.parameter {
            if parameter.gradient == nil {
                parameter.gradient = upstream
            } else {
                parameter.gradient!.accumulate(upstream)
            }
            observer?.gradientReady(parameter)
            continue
        }
        guard let pullback = node.pullback else { continue }
        node.pullback = nil
        let needs = node.inputs.map { $0 != nil }
        let grads = pullback(upstream, needs)
        for (input, grad) in zip(node.inputs, grads) {
            guard let input, let grad else { continue }
            check(
                grad.shape == input.shape,
                "backward: internal error, gradient shape \(grad.shape) for input of shape \(input.shape)"
            )
            if input.gradient == nil {
                input.gradient = grad
            } else {
                input.gradient!.accumulate(grad)
            }
        }
        observer?.pullbackDone()
    }
}

extension Tensor {
    /// self += other, elementwise and in place (a gradient reaching a tensor that is used
    /// twice). Copy-on-write keeps any other holder of these scalars unchanged.
    mutating func accumulate(_ other: Tensor) {
        check(
            other.shape == shape,
            "backward: internal error, adding a gradient of shape \(other.shape) to \(shape)")
        let count = scalars.count
        scalars.withUnsafeMutableBufferPointer { p in
            other.scalars.withUnsafeBufferPointer { q in
                let up = SharedBuffer(p), uq = UncheckedSendable(q.baseAddress!)
                parallelChunks(count, grain: elementwiseGrain) { r in
                    for i in r { up.base[i] += uq.value[i] }
                }
            }
        }
    }
}
