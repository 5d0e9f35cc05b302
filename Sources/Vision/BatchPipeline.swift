// Batching: shuffle, channel conversion, resize, augmentation, rescale, prepared ahead of the
// trainer on a background thread with a bounded queue.
import Foundation
import Preconditions

/// One batch: NHWC Float32 images and their class indices.
public struct ImageBatch: Sendable {
    /// batch * height * width * channels values, NHWC.
    public var images: [Float]
    /// [batch, height, width, channels].
    public var shape: [Int]
    public var labels: [Int]
    /// Indices into the source dataset, in batch order.
    public var indices: [Int]
    /// Which batch of the epoch this is.
    public var number: Int
    /// The size of the whole batch this one was cut from (`count` unless prepared with
    /// `batches(epoch:rows:)`).
    public var wholeCount: Int

    public var count: Int { labels.count }
}

/// Turns an `ImageDataset` into training batches the way Keras' `flow` does: per epoch a
/// seeded shuffle, then per image gray→RGB (if `channels` is 3), resize to the model's input,
/// Float in [0, 255], random augmentation, then `x * rescale + offset`.
///
/// ```swift
/// let pipeline = BatchPipeline(data.train, batchSize: 32, seed: 1, targetSize: (96, 96),
///                              channels: 3, augmentation: .fer2013Report)
/// for epoch in 0..<10 {
///     for batch in pipeline.batches(epoch: epoch) {   // prepared ahead on a background thread
///         let x = Tensor(shape: batch.shape, scalars: batch.images); let y = batch.labels
///     }
/// }
/// ```
/// `batches(epoch:)` is deterministic: the same seed and epoch give the same batches in the
/// same order, whatever the thread timing. Every image of the epoch appears once; the last
/// batch is smaller unless `dropRemainder` is set (Keras: 28,709 / 32 → 898 steps, the last
/// holding 5 images).
public struct BatchPipeline: Sendable {
    public var dataset: ImageDataset
    public var batchSize: Int
    public var shuffle: Bool
    public var seed: UInt64
    /// Model input (height, width); nil keeps the dataset's size.
    public var targetSize: (height: Int, width: Int)?
    /// Keras `load_img` resizes with PIL nearest by default.
    public var resizeMethod: ResizeMethod
    /// 1 or 3; nil keeps the dataset's channels. Gray → 3 replicates the channel.
    public var channels: Int?
    public var augmentation: Augmentation
    /// Multiplies every value after augmentation (Keras `rescale=1/255`).
    public var rescale: Float
    /// Added after rescaling (MobileNetV2's x/127.5 − 1 is rescale 1/127.5, offset −1).
    public var offset: Float
    public var dropRemainder: Bool
    /// Batches prepared ahead of the consumer.
    public var prefetch: Int

    public init(
        _ dataset: ImageDataset, batchSize: Int = 32, shuffle: Bool = true, seed: UInt64 = 0,
        targetSize: (height: Int, width: Int)? = nil, resizeMethod: ResizeMethod = .nearest,
        channels: Int? = nil, augmentation: Augmentation = .none, rescale: Float = 1.0 / 255,
        offset: Float = 0, dropRemainder: Bool = false, prefetch: Int = 4
    ) {
        check(batchSize > 0, "batchSize must be positive, got \(batchSize)")
        check(
            channels == nil || channels == 1 || channels == 3,
            "channels must be 1 or 3, got \(channels!)")
        check(prefetch >= 1, "prefetch must be at least 1, got \(prefetch)")
        self.dataset = dataset; self.batchSize = batchSize; self.shuffle = shuffle; self.seed = seed
        self.targetSize = targetSize; self.resizeMethod = resizeMethod; self.channels = channels
        self.augmentation = augmentation; self.rescale = rescale; self.offset = offset
        self.dropRemainder = dropRemainder; self.prefetch = prefetch
    }

    public var outputHeight: Int { targetSize?.height ?? dataset.height }
    public var outputWidth: Int { targetSize?.width ?? dataset.width }
    public var outputChannels: Int { channels ?? dataset.channels }

    /// Batches per epoch (Keras' steps_per_epoch).
    public var batchCount: Int {
        dropRemainder ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// The dataset order of one epoch.
    public func order(epoch: Int) -> [Int] {
        shuffle
            ? ImageDataset.permutation(
                count: dataset.count, seed: seed &+ UInt64(epoch) &* 0x9E37_79B9)
            : Array(0..<dataset.count)
    }

    /// The epoch's batches, prepared `prefetch` ahead on a background thread.
    public func batches(epoch: Int) -> PrefetchedBatches {
        PrefetchedBatches(pipeline: self, epoch: epoch, rows: nil)
    }

    /// The epoch's batches with only `rows(b, n)` of batch `b`'s `n` images prepared (a
    /// data-parallel rank's share); a batch whose rows are empty is left out. The images are
    /// those of the whole batch's rows, augmentation included (it is seeded per image).
    public func batches(
        epoch: Int, rows: @escaping @Sendable (_ batch: Int, _ count: Int) -> Range<Int>
    ) -> PrefetchedBatches {
        PrefetchedBatches(pipeline: self, epoch: epoch, rows: rows)
    }

    /// The dataset indices of batch `b` of an epoch whose order is `order`.
    func indices(ofBatch b: Int, in order: [Int]) -> [Int] {
        Array(order[(b * batchSize)..<Swift.min(order.count, (b + 1) * batchSize)])
    }

    /// Batch `b` of an epoch, built now on the calling thread (images in parallel).
    public func batch(_ b: Int, epoch: Int) -> ImageBatch {
        makeBatch(indices: indices(ofBatch: b, in: order(epoch: epoch)), epoch: epoch, number: b)
    }

    /// One image as the model sees it (HWC Float, after augmentation and rescaling).
    public func prepare(index: Int, epoch: Int) -> [Float] {
        var image = dataset.image(at: index)
        // Gray → RGB replicates one channel, and resizing and augmentation act on channels
        // alike, so a gray image is prepared once and replicated at the end (3x less work).
        let replicate = channels == 3 && image.channels == 1
        if let channels, channels != image.channels, !replicate {
            image = image.converted(toChannels: channels)
        }
        if let size = targetSize {
            image = image.resized(height: size.height, width: size.width, method: resizeMethod)
        }
        var values = image.pixels.map(Float.init)
        if !augmentation.isIdentity {
            var rng = SplitMix64(
                seed: seed, stream: 0x4155_4700 &+ UInt64(epoch), index: UInt64(index))
            values = augmentation.apply(
                values, height: image.height, width: image.width, channels: image.channels,
                using: &rng)
        }
        if rescale != 1 || offset != 0 {
            for i in values.indices { values[i] = values[i] * rescale + offset }
        }
        if replicate {
            var rgb = [Float](repeating: 0, count: values.count * 3)
            for (i, v) in values.enumerated() {
                rgb[3 * i] = v; rgb[3 * i + 1] = v; rgb[3 * i + 2] = v
            }
            return rgb
        }
        return values
    }

    func makeBatch(indices: [Int], epoch: Int, number: Int, wholeCount: Int? = nil)
        -> ImageBatch
    {
        let size = outputHeight * outputWidth * outputChannels
        var images = [Float](repeating: 0, count: indices.count * size)
        images.withUnsafeMutableBufferPointer { buffer in
            let shared = SharedBuffer(buffer)
            let workers = min(indices.count, ProcessInfo.processInfo.activeProcessorCount)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var i = w
                while i < indices.count {
                    let values = prepare(index: indices[i], epoch: epoch)
                    for j in 0..<size { shared.buffer[i * size + j] = values[j] }
                    i += workers
                }
            }
        }
        return ImageBatch(
            images: images, shape: [indices.count, outputHeight, outputWidth, outputChannels],
            labels: indices.map { dataset.labels[$0] }, indices: indices, number: number,
            wholeCount: wholeCount ?? indices.count)
    }
}

/// The batches of one epoch, produced by a background thread into a bounded queue. Iterating
/// twice starts a second producer; dropping the iterator early stops its producer.
public struct PrefetchedBatches: Sequence, Sendable {
    let pipeline: BatchPipeline
    let epoch: Int
    let rows: (@Sendable (Int, Int) -> Range<Int>)?

    public var underestimatedCount: Int { rows == nil ? pipeline.batchCount : 0 }

    public func makeIterator() -> Iterator {
        Iterator(pipeline: pipeline, epoch: epoch, rows: rows)
    }

    public final class Iterator: IteratorProtocol {
        private let queue: BoundedQueue<ImageBatch>
        private var received = 0
        private let total: Int

        init(pipeline: BatchPipeline, epoch: Int, rows: (@Sendable (Int, Int) -> Range<Int>)?) {
            let order = pipeline.order(epoch: epoch)
            // Which batches are made, and which of their images.
            var plan: [(number: Int, indices: [Int], whole: Int)] = []
            for b in 0..<pipeline.batchCount {
                let indices = pipeline.indices(ofBatch: b, in: order)
                guard let rows else {
                    plan.append((b, indices, indices.count))
                    continue
                }
                let mine = rows(b, indices.count)
                check(
                    mine.lowerBound >= 0 && mine.upperBound <= indices.count,
                    "batches(epoch:rows:): rows \(mine) of batch \(b) outside its \(indices.count) images"
                )
                if !mine.isEmpty { plan.append((b, Array(indices[mine]), indices.count)) }
            }
            total = plan.count
            let batches = plan
            let queue = BoundedQueue<ImageBatch>(capacity: pipeline.prefetch)
            self.queue = queue
            let thread = Thread {
                for item in batches {
                    let batch = pipeline.makeBatch(
                        indices: item.indices, epoch: epoch, number: item.number,
                        wholeCount: item.whole)
                    if !queue.push(batch) { return }
                }
            }
            thread.name = "emotive.prefetch"
            thread.start()
        }

        deinit { queue.close() }

        public func next() -> ImageBatch? {
            guard received < total else { return nil }
            received += 1
            return queue.pop()
        }
    }
}

/// A blocking FIFO of bounded size between one producer thread and one consumer.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Waits for room; false if the consumer has gone away.
    func push(_ item: Element) -> Bool {
        condition.lock(); defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        if closed { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    func pop() -> Element? {
        condition.lock(); defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        if items.isEmpty { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    func close() {
        condition.lock(); closed = true; condition.broadcast(); condition.unlock()
    }
}

extension ImageDataset {
    /// A batch pipeline over this set (see `BatchPipeline`).
    public func pipeline(
        batchSize: Int = 32, shuffle: Bool = true, seed: UInt64 = 0,
        targetSize: (height: Int, width: Int)? = nil, channels: Int? = nil,
        augmentation: Augmentation = .none, rescale: Float = 1.0 / 255
    ) -> BatchPipeline {
        BatchPipeline(
            self, batchSize: batchSize, shuffle: shuffle, seed: seed, targetSize: targetSize,
            channels: channels, augmentation: augmentation, rescale: rescale)
    }
}
