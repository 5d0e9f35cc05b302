// FER+ (Barsoum et al., ICMI 2016): ten crowd votes per FER-2013 image over eight emotions
// plus "unknown" and "not a face", in fer2013new.csv (same row order as fer2013.csv).
import Foundation
import Preconditions

public enum FERPlus {
    /// FER+ class order (indices 0…7), as microsoft/FERPlus and onnx emotion_ferplus use.
    public static let classNames = [
        "neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt",
    ]
    /// The vote columns: the eight emotions, then unknown and NF (not a face).
    public static let voteColumns = classNames + ["unknown", "NF"]

    /// How votes become labels (microsoft/FERPlus `ferplus.py`, `_process_data`).
    public enum LabelMode: String, Sendable, CaseIterable {
        /// One-hot on the emotion with more than half of the (outlier-pruned) votes.
        case majority
        /// The top emotions (at most three) covering at least 75% of the votes, normalised.
        case probability
    }

    /// One row of fer2013new.csv.
    public struct VoteRow: Sendable, Equatable {
        public var usage: String
        public var imageName: String
        /// Ten counts: `voteColumns` order.
        public var votes: [Int]
    }

    /// Parses fer2013new.csv. Errors name the file and line.
    public static func readVotes(_ url: URL) throws -> [VoteRow] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw DatasetError.notFound(path: url.path)
        }
        var rows: [VoteRow] = []
        var lineNumber = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            if lineNumber == 1 {
                guard fields.count >= 12, fields[0].lowercased() == "usage" else {
                    throw DatasetError.badRow(
                        path: url.path, line: 1,
                        reason:
                            "expected the FER+ header Usage,Image name,neutral,…,unknown,NF; got '\(trimmed)'"
                    )
                }
                continue
            }
            guard fields.count >= 12 else {
                throw DatasetError.badRow(
                    path: url.path, line: lineNumber,
                    reason: "expected 12 columns, got \(fields.count)")
            }
            guard FER2013CSV.usages.contains(fields[0]) else {
                throw DatasetError.badRow(
                    path: url.path, line: lineNumber, reason: "unknown Usage '\(fields[0])'")
            }
            var votes: [Int] = []
            for (k, field) in fields[2..<12].enumerated() {
                guard let v = Int(field), v >= 0 else {
                    throw DatasetError.badRow(
                        path: url.path, line: lineNumber,
                        reason:
                            "vote count '\(field)' for \(voteColumns[k]) is not a non-negative integer"
                    )
                }
                votes.append(v)
            }
            rows.append(VoteRow(usage: fields[0], imageName: fields[1], votes: votes))
        }
        return rows
    }

    /// The label distribution over the eight emotions for one row's votes, or nil when FER+
    /// drops the image (its label would be unknown or not-a-face, or no emotion wins).
    public static func distribution(votes raw: [Int], mode: LabelMode) -> [Double]? {
        check(raw.count == 10, "FER+ votes have 10 counts, got \(raw.count)")
        // Outlier removal: a single vote does not count.
        var votes = raw.map { $0 <= 1 ? 0.0 : Double($0) }
        let total = votes.reduce(0, +)
        guard total > 0 else { return nil }
        var emotion = [Double](repeating: 0, count: 10)
        let unknown = 8
        switch mode {
        case .majority:
            let maxValue = votes.max()!
            guard maxValue > 0.5 * total else { return nil }
            emotion[votes.firstIndex(of: maxValue)!] = maxValue
        case .probability:
            var covered = 0.0, count = 0, valid = true
            while covered < 0.75 * total && count < 3 && valid {
                let maxValue = votes.max()!
                for i in 0..<10 where votes[i] == maxValue {
                    emotion[i] = maxValue
                    votes[i] = 0
                    covered += maxValue
                    count += 1
                    if i >= unknown {
                        valid = false
                        if emotion.reduce(0, +) > maxValue { emotion[i] = 0; count -= 1 }
                        break
                    }
                }
            }
            if emotion.reduce(0, +) <= 0.5 * total || count > 3 { return nil }
        }
        let winner = emotion.indices.max { emotion[$0] < emotion[$1] }!
        guard winner < unknown else { return nil }
        let kept = Array(emotion[0..<8])
        let sum = kept.reduce(0, +)
        guard sum > 0 else { return nil }
        return kept.map { $0 / sum }
    }

    /// One FER+ split: images labelled by their most likely emotion, and the distributions.
    public struct Split: Sendable {
        public var images: ImageDataset
        /// One 8-value distribution per image (one-hot in majority mode).
        public var distributions: [[Double]]
    }

    public struct Dataset: Sendable {
        public var train: Split
        /// PublicTest (FER+ calls it Valid).
        public var validation: Split
        /// PrivateTest.
        public var test: Split
    }

    /// fer2013.csv's pixels with fer2013new.csv's labels. Rows are matched by position within
    /// each Usage; images FER+ drops (unknown, not a face, no majority) are left out.
    public static func load(fer2013 csv: URL, ferPlus votesURL: URL, mode: LabelMode = .majority)
        throws -> Dataset
    {
        let splits = try FER2013CSV.readSplits(csv)
        let rows = try readVotes(votesURL)
        var result: [String: Split] = [:]
        for usage in FER2013CSV.usages {
            let source = splits[usage]!
            let votes = rows.filter { $0.usage == usage }
            guard votes.count == source.count else {
                throw DatasetError.badRow(
                    path: votesURL.path, line: 0,
                    reason:
                        "\(votes.count) \(usage) rows, but \(csv.lastPathComponent) has \(source.count); both files must come from the same FER-2013 release"
                )
            }
            var images = ImageDataset(
                name: usage, height: source.height, width: source.width, channels: source.channels,
                classNames: classNames)
            var distributions: [[Double]] = []
            for (i, row) in votes.enumerated() {
                guard let d = distribution(votes: row.votes, mode: mode) else { continue }
                images.append(source.image(at: i), label: d.indices.max { d[$0] < d[$1] }!)
                distributions.append(d)
            }
            result[usage] = Split(images: images, distributions: distributions)
        }
        return Dataset(
            train: result["Training"]!, validation: result["PublicTest"]!,
            test: result["PrivateTest"]!)
    }
}
