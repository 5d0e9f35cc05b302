// fer2013.csv: `emotion,pixels,Usage`, one 48x48 face per row as 2304 space-separated values.
import Foundation
import Preconditions

/// Reads and writes the original FER-2013 CSV (Kaggle "Challenges in Representation
/// Learning", ~290 MB). Labels are mapped from CSV order (0 Angry, 1 Disgust, 2 Fear,
/// 3 Happy, 4 Sad, 5 Surprise, 6 Neutral) to folder order by name.
public enum FER2013CSV {
    public static let usages = ["Training", "PublicTest", "PrivateTest"]

    /// The key of `readSplits`' extra entry: PublicTest and PrivateTest rows in file order.
    public static let testKey = "test"

    /// Every row grouped by `Usage` ("Training", "PublicTest", "PrivateTest"), plus "test"
    /// (both test usages in file order); labels in folder order. The file is memory-mapped
    /// and scanned once; no per-row strings.
    public static func readSplits(_ url: URL, options: LoadOptions = .init()) throws -> [String:
        ImageDataset]
    {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw DatasetError.notFound(path: url.path)
        }
        let path = url.path
        let side = FER2013.imageSide, imageSize = side * side
        var splits: [String: ImageDataset] = [:]
        for usage in usages + [testKey] {
            splits[usage] = ImageDataset(
                name: usage, height: side, width: side, channels: 1, classNames: FER2013.classNames)
        }
        var pixelBuffers: [String: [UInt8]] = [:]
        var labelBuffers: [String: [Int]] = [:]
        var row = [UInt8](repeating: 0, count: imageSize)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            let n = bytes.count
            var position = 0
            var line = 0
            // Header.
            func lineEnd(from p: Int) -> Int {
                var e = p; while e < n && bytes[e] != 0x0A { e += 1 }; return e
            }
            let headerEnd = lineEnd(from: 0)
            line = 1
            var header = String(
                decoding: UnsafeBufferPointer(rebasing: bytes[0..<headerEnd]), as: UTF8.self)
            header = header.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(
                of: "\u{FEFF}", with: "")
            let columns = header.split(separator: ",").map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")).lowercased()
            }
            guard let emotionColumn = columns.firstIndex(of: "emotion"),
                let pixelsColumn = columns.firstIndex(of: "pixels")
            else {
                throw DatasetError.badRow(
                    path: path, line: 1,
                    reason: "header must name the columns emotion,pixels,Usage; got '\(header)'")
            }
            let usageColumn = columns.firstIndex(of: "usage")
            position = headerEnd + 1
            while position < n {
                let end = lineEnd(from: position)
                line += 1
                defer { position = end + 1 }
                var fields: [(Int, Int)] = []  // (start, end) byte ranges, quotes stripped
                var start = position
                var p = position
                var lineEndIndex = end
                if lineEndIndex > position && bytes[lineEndIndex - 1] == 0x0D { lineEndIndex -= 1 }
                if lineEndIndex == position { continue }  // blank line
                while p <= lineEndIndex {
                    if p == lineEndIndex || bytes[p] == 0x2C {
                        var s = start, e = p
                        while s < e && (bytes[s] == 0x22 || bytes[s] == 0x20) { s += 1 }
                        while e > s && (bytes[e - 1] == 0x22 || bytes[e - 1] == 0x20) { e -= 1 }
                        fields.append((s, e))
                        start = p + 1
                    }
                    p += 1
                }
                func text(_ f: (Int, Int)) -> String {
                    String(decoding: UnsafeBufferPointer(rebasing: bytes[f.0..<f.1]), as: UTF8.self)
                }
                func fail(_ reason: String) throws {
                    let message = "\(path):\(line): \(reason)"
                    if options.onBadInput == .skip, let report = options.report {
                        report.skip(message); return
                    }
                    if options.onBadInput == .skip { return }
                    throw DatasetError.badRow(path: path, line: line, reason: reason)
                }
                guard fields.count >= max(emotionColumn, pixelsColumn, usageColumn ?? 0) + 1 else {
                    try fail(
                        "expected \(columns.count) columns (\(columns.joined(separator: ","))), got \(fields.count)"
                    )
                    continue
                }
                guard let csvLabel = Int(text(fields[emotionColumn])) else {
                    try fail("emotion '\(text(fields[emotionColumn]))' is not a number"); continue
                }
                guard (0..<7).contains(csvLabel) else {
                    try fail("emotion label \(csvLabel) is out of range 0...6"); continue
                }
                let usage = usageColumn.map { text(fields[$0]) } ?? "Training"
                guard usages.contains(usage) else {
                    try fail(
                        "unknown Usage '\(usage)'; expected Training, PublicTest or PrivateTest");
                    continue
                }
                // Pixels: space-separated integers 0...255.
                let (ps, pe) = fields[pixelsColumn]
                var count = 0, value = 0, inNumber = false, bad: String?
                var q = ps
                while q <= pe {
                    let b: UInt8 = q < pe ? bytes[q] : 0x20
                    if b >= 0x30 && b <= 0x39 {
                        value = value * 10 + Int(b - 0x30); inNumber = true
                        if value > 255 {
                            bad = "pixel value above 255 at position \(count + 1)"; break
                        }
                    } else if b == 0x20 || b == 0x09 {
                        if inNumber {
                            if count < imageSize { row[count] = UInt8(value) }
                            count += 1; value = 0; inNumber = false
                        }
                    } else {
                        bad = "pixels contain '\(Character(UnicodeScalar(b)))'"; break
                    }
                    q += 1
                }
                if let bad { try fail(bad); continue }
                guard count == imageSize else {
                    try fail("row has \(count) pixels, expected \(imageSize) (48x48)"); continue
                }
                pixelBuffers[usage, default: []].append(contentsOf: row)
                labelBuffers[usage, default: []].append(FER2013.csvToFolder[csvLabel])
                if usage != "Training" {
                    pixelBuffers[testKey, default: []].append(contentsOf: row)
                    labelBuffers[testKey, default: []].append(FER2013.csvToFolder[csvLabel])
                }
            }
        }
        for (usage, labels) in labelBuffers {
            splits[usage] = ImageDataset(
                name: usage, height: side, width: side, channels: 1, classNames: FER2013.classNames,
                pixels: pixelBuffers[usage]!, labels: labels)
        }
        return splits
    }

    /// Train = Training rows; test = PublicTest ∪ PrivateTest in file order (as the Kaggle
    /// folders hold both).
    /// A CSV without Training rows or without any test rows is an error naming the split.
    public static func load(_ url: URL, options: LoadOptions = .init()) throws -> FERDataset {
        let splits = try readSplits(url, options: options)
        let train = splits["Training"]!
        guard train.count > 0 else {
            throw DatasetError.missingSplit(path: url.path, split: "Training")
        }
        var test = splits[testKey]!
        guard test.count > 0 else {
            throw DatasetError.missingSplit(
                path: url.path, split: "test (PublicTest or PrivateTest)")
        }
        test.name = "test"
        var renamed = train
        renamed.name = "train"
        return FERDataset(train: renamed, test: test, source: "csv \(url.path)")
    }

    /// Writes `emotion,pixels,Usage` rows: train as Training, test as PrivateTest (first
    /// half of each class) and PublicTest. Images must be 48x48 gray.
    public static func write(_ data: FERDataset, to url: URL) throws {
        var out = "emotion,pixels,Usage\n".data(using: .utf8)!
        for (set, isTrain) in [(data.train, true), (data.test, false)] {
            check(
                set.height == 48 && set.width == 48 && set.channels == 1,
                "fer2013.csv holds 48x48 gray images")
            var line = [UInt8]()
            line.reserveCapacity(48 * 48 * 4 + 32)
            for i in 0..<set.count {
                line.removeAll(keepingCapacity: true)
                line.append(contentsOf: String(FER2013.folderToCSV[set.labels[i]]).utf8)
                line.append(0x2C)
                let start = i * set.imageSize
                for j in 0..<set.imageSize {
                    if j > 0 { line.append(0x20) }
                    let v = set.pixels[start + j]
                    if v >= 100 { line.append(0x30 + v / 100) }
                    if v >= 10 { line.append(0x30 + (v / 10) % 10) }
                    line.append(0x30 + v % 10)
                }
                line.append(0x2C)
                line.append(
                    contentsOf: (isTrain ? "Training" : SyntheticFER.testUsage(of: i, in: set)).utf8
                )
                line.append(0x0A)
                out.append(contentsOf: line)
            }
        }
        try out.write(to: url, options: .atomic)
    }
}
