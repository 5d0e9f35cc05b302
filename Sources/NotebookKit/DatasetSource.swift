import NeuralNetworks
import Tensors
import Vision

/// An `ImageDataset` as the fit loop's `BatchSource`: Vision's prefetching `BatchPipeline`
/// (gray→RGB, resize, augmentation, rescale) with the batch size, shuffle and seed that
/// `fit`, `evaluate` and `predict` ask for.
///
///     let train = data.train.source(imageSize: 96, channels: 3, augmentation: .fer2013Report)
///     try model.fit(train, validation: data.test.source(imageSize: 96, channels: 3), epochs: 5,
///                   optimizer: Adam())
public struct DatasetSource: BatchSource, Sendable {
    public let dataset: ImageDataset
    public let imageSize: Int?
    public let channels: Int?
    public let augmentation: Augmentation
    public let rescale: Float
    public let offset: Float
    public let identity: String

    public init(
        _ dataset: ImageDataset, imageSize: Int? = nil, channels: Int? = nil,
        augmentation: Augmentation = .none, rescale: Float = 1.0 / 255, offset: Float = 0
    ) {
        self.dataset = dataset
        self.imageSize = imageSize
        self.channels = channels
        self.augmentation = augmentation
        self.rescale = rescale
        self.offset = offset
        // Everything that changes a batch is in the identity the training cache keys on.
        self.identity =
            "\(dataset.fingerprint())|size=\(imageSize.map(String.init) ?? "-")"
            + "|channels=\(channels.map(String.init) ?? "-")|rescale=\(rescale)|offset=\(offset)"
            + "|augmentation=\(augmentation)"
    }

    public var count: Int { dataset.count }
    public var labels: [Int] { dataset.labels }

    /// The pipeline that makes this source's batches.
    public func pipeline(batchSize: Int, shuffle: Bool, seed: UInt64) -> BatchPipeline {
        BatchPipeline(
            dataset, batchSize: batchSize, shuffle: shuffle, seed: seed,
            targetSize: imageSize.map { ($0, $0) }, channels: channels,
            augmentation: augmentation, rescale: rescale, offset: offset)
    }

    public func batches(
        epoch: Int, batchSize: Int, shuffle: Bool, seed: UInt64
    ) -> AnySequence<Batch> {
        let batches = pipeline(batchSize: batchSize, shuffle: shuffle, seed: seed).batches(
            epoch: epoch)
        return AnySequence(batches.lazy.map { Batch(images: $0.tensor, labels: $0.labels) })
    }

    /// Only the rows asked for are decoded, resized and augmented (the same images as those
    /// rows of the whole batches).
    public func batches(
        epoch: Int, batchSize: Int, shuffle: Bool, seed: UInt64,
        rows: @escaping @Sendable (_ batch: Int, _ count: Int) -> Range<Int>
    ) -> AnySequence<Batch> {
        let batches = pipeline(batchSize: batchSize, shuffle: shuffle, seed: seed).batches(
            epoch: epoch, rows: rows)
        return AnySequence(
            batches.lazy.map {
                Batch(images: $0.tensor, labels: $0.labels, wholeCount: $0.wholeCount)
            })
    }

    /// Images `indices` as the model sees them (no augmentation), NHWC.
    public func images(_ indices: [Int]) -> Tensor {
        let plain = DatasetSource(
            dataset.subset(indices), imageSize: imageSize, channels: channels,
            rescale: rescale, offset: offset)
        return plain.pipeline(batchSize: max(indices.count, 1), shuffle: false, seed: 0).batch(
            0, epoch: 0
        ).tensor
    }
}

extension ImageDataset {
    /// This dataset as a `BatchSource` for `fit`, `evaluate` and `predict`.
    public func source(
        imageSize: Int? = nil, channels: Int? = nil, augmentation: Augmentation = .none,
        rescale: Float = 1.0 / 255, offset: Float = 0
    ) -> DatasetSource {
        DatasetSource(
            self, imageSize: imageSize, channels: channels, augmentation: augmentation,
            rescale: rescale, offset: offset)
    }
}
