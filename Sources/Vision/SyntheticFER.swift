// The synthetic FER-shaped dataset: the embedded default data of every report.
import Foundation
import Preconditions

/// A deterministic synthetic stand-in for FER-2013: 48x48 grayscale faces in FER-2013's
/// seven classes and train/test proportions, drawn with Cairo.
///
/// Each image is a pure function of `(seed, split, index)`: generation runs in parallel and
/// gives the same bytes for a seed on any machine and thread count. Faces vary in identity
/// (face shape, skin tone, hair), pose (rotation, shift, scale), lighting gradient, contrast,
/// blur, noise and occlusion; emotions show through brows, eyes and mouth with overlapping
/// ranges for fear/surprise, sad/neutral and angry/disgust, and a share of labels is wrong.
///
/// ```swift
/// let data = SyntheticFER.generate(.init(scale: 0.1, seed: 1))  // 2,871 train / 718 test
/// try SyntheticFER.write(to: URL(fileURLWithPath: "synth"), scale: 0.1, format: .folders, seed: 1)
/// ```
public enum SyntheticFER {
    public struct Configuration: Sendable, Hashable, CustomStringConvertible {
        /// 1.0 = FER-2013's size (28,709 train / 7,178 test). Every class keeps at least
        /// `minimumPerClass` images.
        public var scale: Double
        public var seed: UInt64
        /// Share of images drawn with another emotion than their label (FER-2013's labels are
        /// noisy too; human agreement is ~65%).
        public var labelNoise: Double
        /// 0 = clean frontal faces … 1 = the default pose, lighting, blur and noise ranges.
        public var difficulty: Double
        /// Side of the square images (48 as FER-2013).
        public var imageSize: Int
        public var minimumPerClass: Int

        public init(
            scale: Double = 1.0, seed: UInt64 = 2013, labelNoise: Double = 0.1,
            difficulty: Double = 1.0, imageSize: Int = 48, minimumPerClass: Int = 4
        ) {
            check(scale > 0, "SyntheticFER scale must be > 0, got \(scale)")
            check((0...1).contains(labelNoise), "labelNoise must be in 0...1, got \(labelNoise)")
            check(imageSize >= 16, "imageSize must be >= 16, got \(imageSize)")
            self.scale = scale
            self.seed = seed
            self.labelNoise = labelNoise
            self.difficulty = difficulty
            self.imageSize = imageSize
            self.minimumPerClass = minimumPerClass
        }

        public var description: String {
            "synthetic FER (scale \(scale), seed \(seed), label noise \(labelNoise), difficulty \(difficulty), \(imageSize)x\(imageSize))"
        }
    }

    public enum Split: Int, Sendable, CaseIterable {
        case train = 0, test = 1
        public var folderName: String { self == .train ? "train" : "test" }
    }

    /// FER-2013 folder order.
    public static let classNames = FER2013.classNames
    /// FER-2013's train and test images per class (folder order).
    public static let fer2013TrainCounts = [3995, 436, 4097, 7215, 4965, 4830, 3171]
    public static let fer2013TestCounts = [958, 111, 1024, 1774, 1233, 1247, 831]

    /// Images per class of a split at a scale.
    public static func classCounts(_ split: Split, scale: Double, minimumPerClass: Int = 4) -> [Int]
    {
        let base = split == .train ? fer2013TrainCounts : fer2013TestCounts
        return base.map { max(minimumPerClass, Int((Double($0) * scale).rounded())) }
    }

    /// Both splits in memory.
    public static func generate(_ configuration: Configuration = .init()) -> FERDataset {
        FERDataset(
            train: generate(.train, configuration), test: generate(.test, configuration),
            source: configuration.description)
    }

    /// One split in memory, images sorted by class (as a folder listing is). Runs on all cores.
    public static func generate(_ split: Split, _ configuration: Configuration) -> ImageDataset {
        let counts = classCounts(
            split, scale: configuration.scale, minimumPerClass: configuration.minimumPerClass)
        let labels = counts.enumerated().flatMap { [Int](repeating: $0.offset, count: $0.element) }
        let side = configuration.imageSize, imageSize = side * side
        var pixels = [UInt8](repeating: 0, count: labels.count * imageSize)
        let chunk = 256
        let chunks = (labels.count + chunk - 1) / chunk
        pixels.withUnsafeMutableBufferPointer { buffer in
            let shared = SharedBuffer(buffer)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let renderer = SyntheticFaceRenderer(size: side)
                for i in (c * chunk)..<min(labels.count, (c + 1) * chunk) {
                    let out = UnsafeMutableBufferPointer(
                        rebasing: shared.buffer[(i * imageSize)..<((i + 1) * imageSize)])
                    render(
                        label: labels[i], split: split, index: i, configuration: configuration,
                        renderer: renderer, into: out)
                }
            }
        }
        return ImageDataset(
            name: split.folderName, height: side, width: side, channels: 1,
            classNames: classNames, pixels: pixels, labels: labels)
    }

    /// One face of class `emotion` (folder order) from its own seed, ignoring label noise:
    /// for previews and the dataset README.
    public static func face(emotion: Int, seed: UInt64, difficulty: Double = 1.0, size: Int = 48)
        -> Image
    {
        check(
            emotion >= 0 && emotion < 7,
            "emotion must be a folder-order index 0..<7, got \(emotion)")
        var rng = SplitMix64(seed: seed, stream: 0xFACE)
        var pixels = [UInt8](repeating: 0, count: size * size)
        let renderer = SyntheticFaceRenderer(size: size)
        pixels.withUnsafeMutableBufferPointer {
            renderer.render(emotion: emotion, rng: &rng, difficulty: difficulty, into: $0)
        }
        return Image(height: size, width: size, channels: 1, pixels: pixels)
    }

    private static func render(
        label: Int, split: Split, index: Int, configuration: Configuration,
        renderer: SyntheticFaceRenderer, into out: UnsafeMutableBufferPointer<UInt8>
    ) {
        var rng = SplitMix64(
            seed: configuration.seed, stream: UInt64(split.rawValue) + 1, index: UInt64(index))
        var shown = label
        if rng.chance(configuration.labelNoise) {
            shown = (label + 1 + rng.index(below: 6)) % 7  // any other class, uniformly
        }
        renderer.render(emotion: shown, rng: &rng, difficulty: configuration.difficulty, into: out)
    }

    // MARK: Writing

    public enum OutputFormat: String, Sendable, CaseIterable {
        /// Kaggle layout: `train/<class>/Training_<n>.png`, `test/<class>/PublicTest_<n>.png`.
        case folders
        /// The same layout with JPEG files (quality 90), as the Kaggle download has.
        case jpegFolders = "folders-jpeg"
        /// `fer2013.csv` with `emotion,pixels,Usage` (CSV label order, test split halved into
        /// PublicTest and PrivateTest).
        case csv
    }

    /// Generates the dataset and writes it under `directory` (created if missing).
    /// Returns the generated data.
    @discardableResult
    public static func write(
        to directory: URL, scale: Double, format: OutputFormat, seed: UInt64,
        labelNoise: Double = 0.1
    ) throws -> FERDataset {
        try write(
            to: directory,
            configuration: Configuration(scale: scale, seed: seed, labelNoise: labelNoise),
            format: format)
    }

    /// Generates the data set of `configuration` and writes it: the same images (and
    /// fingerprints) as `generate(configuration)` in a notebook, for training elsewhere.
    @discardableResult
    public static func write(to directory: URL, configuration: Configuration, format: OutputFormat)
        throws -> FERDataset
    {
        let data = generate(configuration)
        try write(data, to: directory, format: format)
        return data
    }

    /// The Usage a test image gets when written: within each class the first half is
    /// PrivateTest and the rest PublicTest, so file names sort in index order and a loaded
    /// copy has the same order (and fingerprint) as the generated set.
    static func testUsage(of index: Int, in set: ImageDataset) -> String {
        let label = set.labels[index]
        let first = set.labels.firstIndex(of: label)!
        let count = set.labels.lastIndex(of: label)! - first + 1
        return index - first < (count + 1) / 2 ? "PrivateTest" : "PublicTest"
    }

    /// Writes a dataset in the Kaggle folder layout (PNG) or as a fer2013.csv.
    public static func write(_ data: FERDataset, to directory: URL, format: OutputFormat) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        switch format {
        case .folders, .jpegFolders:
            let jpeg = format == .jpegFolders
            for (split, set) in [(Split.train, data.train), (Split.test, data.test)] {
                for name in set.classNames {
                    try fm.createDirectory(
                        at: directory.appendingPathComponent(split.folderName)
                            .appendingPathComponent(name),
                        withIntermediateDirectories: true)
                }
                let errors = ErrorBox()
                let images = set.count
                DispatchQueue.concurrentPerform(iterations: (images + 127) / 128) { c in
                    for i in (c * 128)..<min(images, (c + 1) * 128) {
                        let prefix = split == .train ? "Training" : testUsage(of: i, in: set)
                        let url = directory.appendingPathComponent(split.folderName)
                            .appendingPathComponent(set.classNames[set.labels[i]])
                            .appendingPathComponent(
                                String(format: "%@_%05d.%@", prefix, i, jpeg ? "jpg" : "png"))
                        do {
                            if jpeg {
                                try Data(set.image(at: i).jpegData(quality: 90)).write(to: url)
                            } else {
                                try set.image(at: i).writePNG(to: url)
                            }
                        } catch { errors.record(error) }
                    }
                }
                if let error = errors.first { throw error }
            }
        case .csv:
            try FER2013CSV.write(data, to: directory.appendingPathComponent("fer2013.csv"))
        }
    }
}

/// A mutable buffer handed to `concurrentPerform` workers. Safe because each worker writes
/// a disjoint range of images and the buffer outlives the parallel loop.
struct SharedBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}

/// The first error thrown by parallel workers.
final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?
    func record(_ error: Error) { lock.lock(); if stored == nil { stored = error }; lock.unlock() }
    var first: Error? { lock.lock(); defer { lock.unlock() }; return stored }
}

extension ImageDataset {
    /// A preview grid: one column per class (in class order), `rows` images each (the first
    /// of that class), 2-pixel gaps, scaled by `zoom` with nearest neighbour.
    public func sampleGrid(rows: Int = 6, zoom: Int = 2, gap: Int = 2, background: UInt8 = 255)
        -> Image
    {
        let cellH = height * zoom, cellW = width * zoom
        let columns = classNames.count
        var grid = Image(
            height: rows * cellH + (rows + 1) * gap, width: columns * cellW + (columns + 1) * gap,
            channels: channels, filledWith: background)
        for c in 0..<columns {
            let members = labels.indices.filter { labels[$0] == c }.prefix(rows)
            for (r, index) in members.enumerated() {
                let face = image(at: index).resized(height: cellH, width: cellW, method: .nearest)
                let top = gap + r * (cellH + gap), left = gap + c * (cellW + gap)
                for y in 0..<cellH {
                    for x in 0..<cellW {
                        for k in 0..<channels { grid[top + y, left + x, k] = face[y, x, k] }
                    }
                }
            }
        }
        return grid
    }
}
