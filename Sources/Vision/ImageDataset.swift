// ImageDataset: a labelled set of equally sized 8-bit images held in one contiguous buffer.
import Checksums
import Foundation
import Preconditions

/// A labelled image set: N images of height x width x channels, UInt8 samples, one class
/// index per image, and explicit class names (index i names class i).
///
/// ```swift
/// let data = try FER2013.load("/data/fer2013")       // folders or CSV
/// print(data.train.classCounts)                       // [3995, 436, 4097, ...]
/// let batches = data.train.pipeline(batchSize: 32, seed: 1, augmentation: .fer2013Report)
/// ```
public struct ImageDataset: Sendable, Equatable {
    /// What the set is ("train", "test", "PublicTest", …); used in messages only.
    public var name: String
    public let height: Int
    public let width: Int
    public let channels: Int
    public let classNames: [String]
    /// count * height * width * channels samples, image after image (NHWC).
    public private(set) var pixels: [UInt8]
    public private(set) var labels: [Int]
    /// The fingerprint once computed; replaced (not mutated) whenever content changes.
    private var cache = FingerprintCache()

    public static func == (a: ImageDataset, b: ImageDataset) -> Bool {
        a.name == b.name && a.height == b.height && a.width == b.width && a.channels == b.channels
            && a.classNames == b.classNames && a.labels == b.labels && a.pixels == b.pixels
    }

    public init(
        name: String, height: Int, width: Int, channels: Int, classNames: [String],
        pixels: [UInt8], labels: [Int]
    ) {
        check(
            pixels.count == labels.count * height * width * channels,
            "ImageDataset \(name): \(labels.count) images of \(height)x\(width)x\(channels) need \(labels.count * height * width * channels) samples, got \(pixels.count)"
        )
        check(
            labels.allSatisfy { $0 >= 0 && $0 < classNames.count },
            "ImageDataset \(name): labels must be in 0..<\(classNames.count)")
        self.name = name
        self.height = height
        self.width = width
        self.channels = channels
        self.classNames = classNames
        self.pixels = pixels
        self.labels = labels
    }

    /// An empty set of the given geometry.
    public init(name: String, height: Int, width: Int, channels: Int, classNames: [String]) {
        self.init(
            name: name, height: height, width: width, channels: channels,
            classNames: classNames, pixels: [], labels: [])
    }

    public var count: Int { labels.count }
    public var classCount: Int { classNames.count }
    public var imageSize: Int { height * width * channels }

    /// Images per class, indexed like `classNames`.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classNames.count)
        for label in labels { counts[label] += 1 }
        return counts
    }

    /// Image `i`.
    public func image(at i: Int) -> Image {
        check(i >= 0 && i < count, "ImageDataset \(name): index \(i) out of 0..<\(count)")
        let start = i * imageSize
        return Image(
            height: height, width: width, channels: channels,
            pixels: Array(pixels[start..<(start + imageSize)]))
    }

    /// Appends one image; it must have this set's geometry.
    public mutating func append(_ image: Image, label: Int) {
        check(
            image.height == height && image.width == width && image.channels == channels,
            "ImageDataset \(name) holds \(height)x\(width)x\(channels) images, got \(image.height)x\(image.width)x\(image.channels)"
        )
        check(
            label >= 0 && label < classNames.count, "label \(label) out of 0..<\(classNames.count)")
        pixels.append(contentsOf: image.pixels)
        labels.append(label)
        cache = FingerprintCache()
    }

    /// The images at `indices`, in that order.
    public func subset(_ indices: [Int], name: String? = nil) -> ImageDataset {
        var out = [UInt8]()
        out.reserveCapacity(indices.count * imageSize)
        for i in indices { out.append(contentsOf: pixels[(i * imageSize)..<((i + 1) * imageSize)]) }
        return ImageDataset(
            name: name ?? self.name, height: height, width: width, channels: channels,
            classNames: classNames, pixels: out, labels: indices.map { labels[$0] })
    }

    /// Keras' `validation_split` for `flow_from_directory`: validation gets the first
    /// ⌊fraction·n⌋ images of each class (in the current order, which for folders is the
    /// sorted file list), training the rest; both keep the current order.
    public func validationSplit(_ fraction: Double) -> (
        training: ImageDataset, validation: ImageDataset
    ) {
        check(
            fraction >= 0 && fraction < 1, "validation fraction must be in [0, 1), got \(fraction)")
        var seen = [Int](repeating: 0, count: classCount)
        let cut = classCounts.map { Int(fraction * Double($0)) }
        var training: [Int] = [], validation: [Int] = []
        for (i, label) in labels.enumerated() {
            if seen[label] < cut[label] { validation.append(i) } else { training.append(i) }
            seen[label] += 1
        }
        return (
            subset(training, name: name + "-training"),
            subset(validation, name: name + "-validation")
        )
    }

    /// The same images in a seeded random order (Fisher–Yates on SplitMix64).
    public func shuffled(seed: UInt64) -> ImageDataset {
        subset(ImageDataset.permutation(count: count, seed: seed))
    }

    /// A seeded permutation of 0..<count.
    public static func permutation(count: Int, seed: UInt64) -> [Int] {
        var rng = SplitMix64(seed: seed, stream: 0x5348_5546)  // "SHUF"
        var order = Array(0..<count)
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) {
                order.swapAt(i, rng.index(below: i + 1))
            }
        }
        return order
    }

    /// SHA-256 (hex) over the geometry, class names, pixels and labels: equal iff the
    /// content (in this order) is equal. Caches key on it. Computed once per content.
    public func fingerprint() -> String {
        if let known = cache.value { return known }
        let value = computeFingerprint()
        cache.value = value
        return value
    }

    private func computeFingerprint() -> String {
        var hash = SHA256()
        hash.update(
            "\(height)x\(width)x\(channels);\(classNames.joined(separator: ","));\(count)\n")
        hash.update(pixels)
        var labelBytes = [UInt8]()
        labelBytes.reserveCapacity(count * 2)
        for label in labels {
            labelBytes.append(UInt8(label & 0xff)); labelBytes.append(UInt8(label >> 8))
        }
        hash.update(labelBytes)
        return hash.finalizeHex()
    }

    /// Samples as Float in [0, 255] (no rescale), NHWC.
    public func floatPixels() -> [Float] { pixels.map(Float.init) }
}

/// Holds a dataset's fingerprint once computed. A race between two threads computing it at
/// once only computes the same string twice; the lock keeps the store itself safe.
final class FingerprintCache: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String?
    var value: String? {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

/// A train/test pair with shared class names, as `FER2013.load` and `SyntheticFER` return.
public struct FERDataset: Sendable, Equatable {
    public var train: ImageDataset
    public var test: ImageDataset
    /// Where it came from: "synthetic(scale 0.1, seed 1)", "folders /data/fer2013", …
    public var source: String

    public init(train: ImageDataset, test: ImageDataset, source: String) {
        check(train.classNames == test.classNames, "train and test must share class names")
        self.train = train
        self.test = test
        self.source = source
    }

    public var classNames: [String] { train.classNames }
    public var classCount: Int { train.classCount }

    /// SHA-256 over both splits' fingerprints.
    public func fingerprint() -> String {
        var hash = SHA256()
        hash.update("train:\(train.fingerprint());test:\(test.fingerprint())")
        return hash.finalizeHex()
    }
}
