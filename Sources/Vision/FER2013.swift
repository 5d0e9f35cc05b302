// FER-2013 as users have it: constants, load options, and `load(path)` that detects the format.
import Foundation
import Preconditions

/// FER-2013 (Goodfellow et al., 2013): 48x48 grayscale faces in seven classes.
public enum FER2013 {
    /// Folder order, as Keras `flow_from_directory` sorts the Kaggle class folders.
    public static let classNames = [
        "angry", "disgust", "fear", "happy", "neutral", "sad", "surprise",
    ]
    /// Class names in fer2013.csv's label order (0 Angry … 6 Neutral).
    public static let csvClassNames = [
        "angry", "disgust", "fear", "happy", "sad", "surprise", "neutral",
    ]
    /// CSV label → folder index: 0–3 same, 4 sad → 5, 5 surprise → 6, 6 neutral → 4.
    public static let csvToFolder = csvClassNames.map { classNames.firstIndex(of: $0)! }
    /// Folder index → CSV label.
    public static let folderToCSV = classNames.map { csvClassNames.firstIndex(of: $0)! }
    public static let imageSide = 48

    /// Loads FER-2013 (or anything in its layouts) from `path`:
    /// - a directory with `train/` and `test/` class folders (Kaggle, msambare/fer2013),
    /// - a `fer2013.csv` file, or a directory containing one,
    /// - the word `synthetic` or `synthetic:SCALE` (e.g. `synthetic:0.1`): the generated
    ///   stand-in (seed from `options.seed`).
    ///
    /// Images are converted to `options.channels` and, if `options.imageSize` is given,
    /// resized (area downscaling, bilinear upscaling) after loading.
    public static func load(_ path: String, options: LoadOptions = .init()) throws -> FERDataset {
        var data: FERDataset
        switch try DatasetFormat.detect(path) {
        case let .synthetic(scale):
            data = SyntheticFER.generate(.init(scale: scale, seed: options.seed))
        case let .folders(root):
            data = try FolderLoader.load(root: root, options: options)
        case let .csv(file):
            data = try FER2013CSV.load(file, options: options)
        }
        if let size = options.imageSize,
            size.height != data.train.height || size.width != data.train.width
        {
            data.train = data.train.resized(height: size.height, width: size.width)
            data.test = data.test.resized(height: size.height, width: size.width)
        }
        if options.channels != data.train.channels {
            data.train = data.train.converted(toChannels: options.channels)
            data.test = data.test.converted(toChannels: options.channels)
        }
        return data
    }

    /// `load` with only the model's input size (the notebook's usual call).
    public static func load(_ path: String, imageSize: Int, channels: Int = 1, seed: UInt64 = 2013)
        throws -> FERDataset
    {
        try load(
            path,
            options: LoadOptions(imageSize: (imageSize, imageSize), channels: channels, seed: seed))
    }
}

/// How loaders treat their input.
public struct LoadOptions: Sendable {
    public enum OnBadInput: Sendable { case stop, skip }
    public enum OnWrongSize: Sendable { case reject, resize }

    /// Class folder order; nil = alphabetical, as `flow_from_directory`.
    public var classNames: [String]?
    /// `.stop` (default) throws at the first unreadable file or row; `.skip` leaves it out
    /// and counts it in the returned report.
    public var onBadInput: OnBadInput
    /// Images whose size differs from the first one: rejected (an error, or a skip) or
    /// resized with a warning.
    public var onWrongSize: OnWrongSize
    /// Resize every image to this size after loading (nil keeps the files' size).
    public var imageSize: (height: Int, width: Int)?
    /// 1 (gray, FER-2013's own) or 3 (RGB as Keras `load_img` gives).
    public var channels: Int
    /// Seed for `synthetic` paths.
    public var seed: UInt64
    /// Collects skipped files and warnings when set.
    public var report: LoadReport?

    public init(
        classNames: [String]? = nil, onBadInput: OnBadInput = .stop,
        onWrongSize: OnWrongSize = .reject,
        imageSize: (height: Int, width: Int)? = nil, channels: Int = 1, seed: UInt64 = 2013,
        report: LoadReport? = nil
    ) {
        check(
            channels == 1 || channels == 3, "LoadOptions.channels must be 1 or 3, got \(channels)")
        self.classNames = classNames
        self.onBadInput = onBadInput
        self.onWrongSize = onWrongSize
        self.imageSize = imageSize
        self.channels = channels
        self.seed = seed
        self.report = report
    }
}

/// What a load skipped or changed. Pass one in `LoadOptions.report` to read it afterwards.
public final class LoadReport: @unchecked Sendable, CustomStringConvertible {
    private let lock = NSLock()
    private var _skipped: [String] = []
    private var _warnings: [String] = []

    public init() {}

    /// One message per skipped file or row, naming it and why.
    public var skipped: [String] { lock.lock(); defer { lock.unlock() }; return _skipped }
    public var warnings: [String] { lock.lock(); defer { lock.unlock() }; return _warnings }

    func skip(_ message: String) { lock.lock(); _skipped.append(message); lock.unlock() }
    func warn(_ message: String) { lock.lock(); _warnings.append(message); lock.unlock() }

    public var description: String {
        var lines = ["skipped \(skipped.count) bad file(s) or row(s), \(warnings.count) warning(s)"]
        lines += skipped.prefix(20).map { "  skipped: \($0)" }
        lines += warnings.prefix(20).map { "  warning: \($0)" }
        return lines.joined(separator: "\n")
    }
}

/// Why a dataset could not be loaded. Messages name the file (and CSV line).
public enum DatasetError: Error, CustomStringConvertible {
    case notFound(path: String)
    case unrecognisedLayout(path: String, reason: String)
    case missingSplit(path: String, split: String)
    case unknownClass(path: String, name: String, known: [String])
    case badImage(path: String, reason: String)
    case wrongSize(path: String, expected: (Int, Int), got: (Int, Int))
    case badRow(path: String, line: Int, reason: String)
    case emptyClass(path: String)

    public var description: String {
        switch self {
        case let .notFound(path): return "\(path): no such file or directory"
        case let .unrecognisedLayout(path, reason):
            return
                "\(path): not a FER-2013 dataset: \(reason). Expected train/ and test/ folders of class folders, or a fer2013.csv (emotion,pixels,Usage)"
        case let .missingSplit(path, split): return "\(path): the \(split) split is missing"
        case let .unknownClass(path, name, known):
            return
                "\(path): unknown class folder '\(name)'; expected one of \(known.joined(separator: ", ")) (set LoadOptions.classNames to change)"
        case let .badImage(path, reason): return "\(path): \(reason)"
        case let .wrongSize(path, expected, got):
            return
                "\(path): image is \(got.0)x\(got.1), expected \(expected.0)x\(expected.1) like the others (use LoadOptions(onWrongSize: .resize) to resize with a warning)"
        case let .badRow(path, line, reason): return "\(path):\(line): \(reason)"
        case let .emptyClass(path): return "\(path): class folder has no images"
        }
    }
}

/// Which layout a path holds.
public enum DatasetFormat: Equatable, Sendable {
    case folders(URL)
    case csv(URL)
    case synthetic(scale: Double)

    public static func detect(_ path: String) throws -> DatasetFormat {
        if path == "synthetic" { return .synthetic(scale: 1.0) }
        if path.hasPrefix("synthetic:") {
            guard let scale = Double(path.dropFirst("synthetic:".count)), scale > 0 else {
                throw DatasetError.unrecognisedLayout(
                    path: path, reason: "synthetic:SCALE needs a positive number")
            }
            return .synthetic(scale: scale)
        }
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw DatasetError.notFound(path: url.path)
        }
        if !isDirectory.boolValue {
            guard url.pathExtension.lowercased() == "csv" else {
                throw DatasetError.unrecognisedLayout(
                    path: url.path, reason: "a file that is not a .csv")
            }
            return .csv(url)
        }
        let fm = FileManager.default
        if fm.fileExists(atPath: url.appendingPathComponent("train").path)
            || fm.fileExists(atPath: url.appendingPathComponent("test").path)
        {
            return .folders(url)
        }
        for name in ["fer2013.csv", "fer2013/fer2013.csv"]
        where fm.fileExists(atPath: url.appendingPathComponent(name).path) {
            return .csv(url.appendingPathComponent(name))
        }
        throw DatasetError.unrecognisedLayout(
            path: url.path, reason: "no train/ or test/ folder and no fer2013.csv inside")
    }
}

extension ImageDataset {
    /// Every image resized (area when shrinking, bilinear when growing).
    public func resized(height newHeight: Int, width newWidth: Int, method: ResizeMethod? = nil)
        -> ImageDataset
    {
        if newHeight == height && newWidth == width { return self }
        let chosen = method ?? ((newHeight < height || newWidth < width) ? .area : .bilinear)
        var out = ImageDataset(
            name: name, height: newHeight, width: newWidth, channels: channels,
            classNames: classNames)
        for i in 0..<count {
            out.append(
                image(at: i).resized(height: newHeight, width: newWidth, method: chosen),
                label: labels[i])
        }
        return out
    }

    /// Every image converted to 1 (gray) or 3 (RGB) channels.
    public func converted(toChannels target: Int) -> ImageDataset {
        if target == channels { return self }
        var out = ImageDataset(
            name: name, height: height, width: width, channels: target, classNames: classNames)
        for i in 0..<count {
            out.append(image(at: i).converted(toChannels: target), label: labels[i])
        }
        return out
    }
}
