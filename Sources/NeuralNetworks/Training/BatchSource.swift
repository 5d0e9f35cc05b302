import Checksums
import Tensors
import Preconditions

/// One batch: images NHWC and one class index per image.
public struct Batch {
    public var images: Tensor
    public var labels: [Int]
    /// The size of the whole batch, when this is some rows of it (a data-parallel rank's
    /// share, see ``BatchSource/batches(epoch:batchSize:shuffle:seed:rows:)``).
    public var wholeCount: Int

    public init(images: Tensor, labels: [Int], wholeCount: Int? = nil) {
        self.images = images
        self.labels = labels
        self.wholeCount = wholeCount ?? labels.count
    }

    /// Rows `rows` of this batch.
    public func rows(_ rows: Range<Int>) -> Batch {
        Batch(
            images: images.slice(rows), labels: Array(labels[rows]), wholeCount: wholeCount)
    }
}

/// Where `fit`, `evaluate` and `predict` get batches from. The Vision pipeline (or any
/// data type) conforms by giving its labels, an identity for the training cache, and
/// its batches for an epoch; ``TensorDataset`` holds data already in memory.
public protocol BatchSource {
    /// Number of samples.
    var count: Int { get }
    /// Every sample's label in dataset order (class weights and validation use them).
    var labels: [Int] { get }
    /// Content fingerprint plus augmentation description: equal identities give equal batches.
    var identity: String { get }
    /// The batches of one epoch, in order. `shuffle` with `seed` and `epoch` fixes the
    /// order (and any augmentation); the last batch may be smaller.
    func batches(epoch: Int, batchSize: Int, shuffle: Bool, seed: UInt64) -> AnySequence<Batch>
    /// The same batches with only `rows(b, n)` of batch `b`'s `n` samples in each (what a
    /// data-parallel rank trains or evaluates on); a batch whose rows are empty is left out,
    /// and `Batch.wholeCount` is `n`. By default the whole batches are made and cut; a source
    /// that decodes or augments images implements it to prepare only those rows.
    func batches(
        epoch: Int, batchSize: Int, shuffle: Bool, seed: UInt64,
        rows: @escaping @Sendable (_ batch: Int, _ count: Int) -> Range<Int>
    ) -> AnySequence<Batch>
    /// Batches per epoch (defaults to ⌈count / batchSize⌉).
    func stepCount(batchSize: Int) -> Int
}

extension BatchSource {
    public func stepCount(batchSize: Int) -> Int { (count + batchSize - 1) / batchSize }

    public func batches(
        epoch: Int, batchSize: Int, shuffle: Bool, seed: UInt64,
        rows: @escaping @Sendable (_ batch: Int, _ count: Int) -> Range<Int>
    ) -> AnySequence<Batch> {
        let whole = batches(epoch: epoch, batchSize: batchSize, shuffle: shuffle, seed: seed)
        return AnySequence(
            whole.enumerated().lazy.compactMap { b, batch in
                let mine = rows(b, batch.labels.count)
                return mine.isEmpty ? nil : batch.rows(mine)
            })
    }
}

/// Images and labels held in memory.
public struct TensorDataset: BatchSource {
    public let images: Tensor
    public let labels: [Int]
    public let identity: String

    /// - Parameter identity: names the data for the training cache; by default a hash of
    ///   the values.
    public init(images: Tensor, labels: [Int], identity: String? = nil) {
        check(
            images.shape.first == labels.count,
            "TensorDataset: \(labels.count) labels for \(images.shape.first ?? 0) images (shape \(images.shape))"
        )
        self.images = images
        self.labels = labels
        self.identity =
            identity
            ?? "tensors:\(images.shape):\(fnv64(images.scalars)):\(fnv64(labels.map(Float.init)))"
    }

    public var count: Int { labels.count }

    public func batches(
        epoch: Int, batchSize: Int, shuffle: Bool, seed: UInt64
    ) -> AnySequence<Batch> {
        var order = Array(0..<count)
        if shuffle {
            var g = RandomGenerator(seed: seed, stream: 0x5348_5546 &+ UInt64(epoch))
            order.shuffle(using: &g)
        }
        let perImage = images.shape.dropFirst().reduce(1, *)
        let inner = Array(images.shape.dropFirst())
        let all = images.scalars
        let starts = stride(from: 0, to: count, by: batchSize)
        return AnySequence(
            starts.lazy.map { start in
                let idx = order[start..<min(start + batchSize, order.count)]
                var values = [Float]()
                values.reserveCapacity(idx.count * perImage)
                for i in idx {
                    values.append(contentsOf: all[(i * perImage)..<((i + 1) * perImage)])
                }
                return Batch(
                    images: Tensor(shape: [idx.count] + inner, scalars: values),
                    labels: idx.map { labels[$0] })
            })
    }
}

/// A fast content hash of floats for cache keys (`FNV1a.hash64(bitPatternsOf:)`).
func fnv64(_ values: [Float]) -> UInt64 { FNV1a.hash64(bitPatternsOf: values) }

/// A batch source from a closure: adapts any pipeline (e.g. Vision's `BatchPipeline`,
/// which fixes its own batch size, shuffling and augmentation) without a dependency.
///
/// ```swift
/// let pipeline = data.train.pipeline(batchSize: 32, seed: 1, augmentation: .fer2013Report)
/// let train = Batches(count: pipeline.dataset.count, labels: pipeline.dataset.labels,
///                     batchCount: pipeline.batchCount,
///                     identity: "\(pipeline.dataset.fingerprint()) fer2013Report seed 1") { epoch in
///     pipeline.tensorBatches(epoch: epoch)
/// }
/// try model.fit(train, epochs: 30, optimizer: Adam(learningRate: 1e-5))
/// ```
/// `identity` must change whenever the batches would (data, augmentation, seed): the
/// training cache trusts it. fit's `batchSize`, `shuffle` and `seed` do not reach the
/// closure (as Keras' `fit` ignores `batch_size` for a generator).
public struct Batches<S: Sequence>: BatchSource where S.Element == (images: Tensor, labels: [Int]) {
    public let count: Int
    public let labels: [Int]
    public let identity: String
    private let batchCount: Int
    private let make: (Int) -> S

    public init(
        count: Int, labels: [Int], batchCount: Int, identity: String,
        _ batches: @escaping (_ epoch: Int) -> S
    ) {
        self.count = count
        self.labels = labels
        self.batchCount = batchCount
        self.identity = identity
        self.make = batches
    }

    public func stepCount(batchSize: Int) -> Int { batchCount }

    public func batches(
        epoch: Int, batchSize: Int, shuffle: Bool, seed: UInt64
    ) -> AnySequence<Batch> {
        AnySequence(make(epoch).lazy.map { Batch(images: $0.images, labels: $0.labels) })
    }
}
