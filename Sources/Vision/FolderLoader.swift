// The Kaggle layout: root/{train,test}/<class>/*.{jpg,jpeg,png}.
import Foundation

public enum FolderLoader {
    /// Loads `root/train` and `root/test`. Class folders are sorted alphabetically unless
    /// `options.classNames` fixes the order; both splits must use known class names.
    public static func load(root: URL, options: LoadOptions = .init()) throws -> FERDataset {
        let train = try loadSplit(
            root.appendingPathComponent("train"), name: "train", options: options)
        let test = try loadSplit(
            root.appendingPathComponent("test"), name: "test", options: options,
            classNames: train.classNames, size: (train.height, train.width))
        return FERDataset(train: train, test: test, source: "folders \(root.path)")
    }

    /// One split folder of class folders.
    public static func loadSplit(
        _ directory: URL, name: String, options: LoadOptions,
        classNames fixedNames: [String]? = nil, size fixedSize: (Int, Int)? = nil
    ) throws -> ImageDataset {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw DatasetError.missingSplit(path: directory.path, split: name)
        }
        let folders = try fm.contentsOfDirectory(atPath: directory.path).filter { entry in
            var dir: ObjCBool = false
            return !entry.hasPrefix(".")
                && fm.fileExists(
                    atPath: directory.appendingPathComponent(entry).path, isDirectory: &dir)
                && dir.boolValue
        }.sorted()
        guard !folders.isEmpty else {
            throw DatasetError.missingSplit(
                path: directory.path, split: "\(name) (no class folders)")
        }
        let classNames = fixedNames ?? options.classNames ?? folders
        for folder in folders where !classNames.contains(folder) {
            throw DatasetError.unknownClass(
                path: directory.appendingPathComponent(folder).path, name: folder, known: classNames
            )
        }
        // List files class by class, sorted by name (as flow_from_directory).
        var files: [(URL, Int)] = []
        for (label, className) in classNames.enumerated() where folders.contains(className) {
            let classDirectory = directory.appendingPathComponent(className)
            let entries = try fm.contentsOfDirectory(atPath: classDirectory.path).filter {
                !$0.hasPrefix(".")
            }.sorted()
            files += entries.map { (classDirectory.appendingPathComponent($0), label) }
        }
        // Decode in parallel into per-file slots, then assemble in order.
        let urls = files.map(\.0)
        var decoded = [Image?](repeating: nil, count: files.count)
        var failures = [String?](repeating: nil, count: files.count)
        decoded.withUnsafeMutableBufferPointer { images in
            failures.withUnsafeMutableBufferPointer { errors in
                let imageSlots = SharedBuffer(images), errorSlots = SharedBuffer(errors)
                let chunk = 256
                DispatchQueue.concurrentPerform(iterations: (urls.count + chunk - 1) / chunk) { c in
                    for i in (c * chunk)..<min(urls.count, (c + 1) * chunk) {
                        do { imageSlots.buffer[i] = try Image.decode(contentsOf: urls[i]) } catch {
                            errorSlots.buffer[i] = "\(error)"
                        }
                    }
                }
            }
        }
        var expected = fixedSize ?? options.imageSize.map { ($0.height, $0.width) }
        var channels = options.channels
        var set: ImageDataset?
        for i in files.indices {
            guard var image = decoded[i] else {
                let reason = failures[i] ?? "\(files[i].0.path): unreadable"
                if options.onBadInput == .skip { options.report?.skip(reason); continue }
                throw DatasetError.badImage(
                    path: files[i].0.path,
                    reason: reason.replacingOccurrences(of: files[i].0.path + ": ", with: ""))
            }
            image = image.converted(toChannels: channels)
            if let (h, w) = expected, image.height != h || image.width != w {
                switch options.onWrongSize {
                case .resize:
                    options.report?.warn(
                        "\(files[i].0.path): resized from \(image.height)x\(image.width) to \(h)x\(w)"
                    )
                    image = image.resized(
                        height: h, width: w, method: (image.height > h) ? .area : .bilinear)
                case .reject:
                    let error = DatasetError.wrongSize(
                        path: files[i].0.path, expected: (h, w), got: (image.height, image.width))
                    if options.onBadInput == .skip {
                        options.report?.skip(error.description); continue
                    }
                    throw error
                }
            }
            if set == nil {
                expected = (image.height, image.width)
                channels = image.channels
                set = ImageDataset(
                    name: name, height: image.height, width: image.width, channels: channels,
                    classNames: classNames)
            }
            set!.append(image, label: files[i].1)
        }
        guard let result = set, result.count > 0 else {
            throw DatasetError.missingSplit(
                path: directory.path, split: "\(name) (no readable images)")
        }
        return result
    }
}
