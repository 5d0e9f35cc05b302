// Checks a dataset before a long run: format, class counts per split, bad files, fingerprint.
import Foundation

/// What `DatasetInspector.inspect` found. `description` is the text `emotive data inspect`
/// prints.
public struct InspectionReport: Sendable, CustomStringConvertible {
    public struct SplitSummary: Sendable {
        public var name: String
        public var count: Int
        public var classCounts: [Int]
        public var imageShape: [Int]
        public var fingerprint: String
    }

    public var path: String
    /// "folders", "csv" or "synthetic".
    public var format: String
    public var classNames: [String]
    public var splits: [SplitSummary]
    /// One line per file or row that could not be used, naming it and why.
    public var problems: [String]
    public var warnings: [String]
    /// SHA-256 over both splits (the cache key the notebook records).
    public var fingerprint: String

    public var isClean: Bool { problems.isEmpty }

    public var description: String {
        var lines = ["dataset \(path)", "format  \(format)"]
        for split in splits {
            lines.append(
                "\(split.name): \(split.count) images of \(split.imageShape.map(String.init).joined(separator: "x")), fingerprint \(split.fingerprint.prefix(16))"
            )
            let width = max(8, classNames.map(\.count).max() ?? 8)
            for (name, count) in zip(classNames, split.classCounts) {
                let share = split.count > 0 ? 100 * Double(count) / Double(split.count) : 0
                lines.append(
                    "  " + name.padding(toLength: width, withPad: " ", startingAt: 0)
                        + String(format: " %6d  %5.1f%%", count, share))
            }
        }
        lines.append("fingerprint \(fingerprint)")
        if problems.isEmpty {
            lines.append("no bad files")
        } else {
            lines.append("\(problems.count) bad file(s) or row(s):")
            lines += problems.prefix(50).map { "  \($0)" }
            if problems.count > 50 { lines.append("  … and \(problems.count - 50) more") }
        }
        if !warnings.isEmpty {
            lines.append("\(warnings.count) warning(s):")
            lines += warnings.prefix(20).map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}

public enum DatasetInspector {
    /// Loads `path` as `FER2013.load` does, but skips and lists bad files instead of stopping.
    /// Throws only when nothing usable is there (no such path, no split, unknown layout).
    public static func inspect(_ path: String, seed: UInt64 = 2013) throws -> InspectionReport {
        let format = try DatasetFormat.detect(path)
        let report = LoadReport()
        let data = try FER2013.load(
            path,
            options: LoadOptions(
                onBadInput: .skip, onWrongSize: .reject, seed: seed, report: report))
        let name: String
        switch format {
        case .folders: name = "folders (Kaggle layout: train/ and test/ with one folder per class)"
        case .csv: name = "csv (fer2013.csv: emotion,pixels,Usage)"
        case let .synthetic(scale): name = "synthetic (scale \(scale), seed \(seed))"
        }
        let splits = [data.train, data.test].map { set in
            InspectionReport.SplitSummary(
                name: set.name, count: set.count, classCounts: set.classCounts,
                imageShape: [set.height, set.width, set.channels], fingerprint: set.fingerprint())
        }
        return InspectionReport(
            path: path, format: name, classNames: data.classNames, splits: splits,
            problems: report.skipped, warnings: report.warnings, fingerprint: data.fingerprint())
    }
}
