import Tensors
import Vision

// The bridge from Vision's batches (plain arrays; Vision does not depend on Tensors) to
// tensors, for the fit loop.

extension ImageBatch {
    /// The images as an NHWC `Tensor`.
    public var tensor: Tensor { Tensor(shape: shape, scalars: images) }
}

extension BatchPipeline {
    /// What ``tensorBatches(epoch:)`` gives.
    public typealias TensorBatches = LazyMapSequence<
        PrefetchedBatches, (images: Tensor, labels: [Int])
    >

    /// The epoch's batches as `(images: Tensor NHWC Float32, labels: [Int])`, the form the fit
    /// loop consumes; prepared ahead like `batches(epoch:)`.
    public func tensorBatches(epoch: Int) -> TensorBatches {
        batches(epoch: epoch).lazy.map { (images: $0.tensor, labels: $0.labels) }
    }
}
