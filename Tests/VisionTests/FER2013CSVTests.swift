import Foundation
import Testing
@testable import Vision

@Suite struct FER2013CSVTests {
    static let data = SyntheticFER.generate(.init(scale: 0.001, seed: 6))

    /// A CSV of the synthetic set with `edit` applied to its lines (line 1 is the header).
    func csv(_ label: String, edit: (inout [String]) -> Void = { _ in }) throws -> URL {
        let directory = try FixtureFiles.temporaryDirectory(label)
        let url = directory.appendingPathComponent("fer2013.csv")
        try FER2013CSV.write(Self.data, to: url)
        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        edit(&lines)
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func writingAndReadingRoundTripsPixelsAndMapsLabelsByName() throws {
        let url = try csv("roundtrip")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let loaded = try FER2013CSV.load(url)
        #expect(loaded.train.fingerprint() == Self.data.train.fingerprint())
        #expect(loaded.test.fingerprint() == Self.data.test.fingerprint())
        // Label column is CSV order: neutral (folder 4) is written as 6, sad (5) as 4.
        let text = try String(contentsOf: url, encoding: .utf8)
        let firstNeutral = Self.data.train.labels.firstIndex(of: 4)!
        #expect(text.components(separatedBy: "\n")[firstNeutral + 1].hasPrefix("6,"))
        let splits = try FER2013CSV.readSplits(url)
        #expect(splits["PublicTest"]!.count + splits["PrivateTest"]!.count == Self.data.test.count)
    }

    @Test func aRowWith2303PixelsIsAnErrorWithItsLineNumber() throws {
        let url = try csv("short") { lines in
            var fields = lines[3].components(separatedBy: ",")
            fields[1] = fields[1].components(separatedBy: " ").dropLast().joined(separator: " ")
            lines[3] = fields.joined(separator: ",")
        }
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        #expect { try FER2013CSV.load(url) } throws: { error in
            "\(error)".contains("fer2013.csv:4:") && "\(error)".contains("2303 pixels")
        }
        let report = LoadReport()
        let loaded = try FER2013CSV.load(
            url, options: LoadOptions(onBadInput: .skip, report: report))
        #expect(report.skipped.count == 1 && loaded.train.count == Self.data.train.count - 1)
    }

    @Test func anUnknownUsageAndAnOutOfRangeLabelAreErrors() throws {
        let usage = try csv("usage") { lines in
            lines[2] = lines[2].replacingOccurrences(of: ",Training", with: ",Validation")
        }
        defer { try? FileManager.default.removeItem(at: usage.deletingLastPathComponent()) }
        #expect { try FER2013CSV.load(usage) } throws: {
            "\($0)".contains(":3:") && "\($0)".contains("Validation")
        }
        let label = try csv("label") { lines in lines[5] = "7" + lines[5].dropFirst() }
        defer { try? FileManager.default.removeItem(at: label.deletingLastPathComponent()) }
        #expect { try FER2013CSV.load(label) } throws: {
            "\($0)".contains(":6:") && "\($0)".contains("label 7 is out of range")
        }
    }

    @Test func aCSVWithoutTestRowsNamesTheMissingSplit() throws {
        let url = try csv("split") { lines in
            lines.removeAll { $0.hasSuffix("PublicTest") || $0.hasSuffix("PrivateTest") }
        }
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        #expect { try FER2013CSV.load(url) } throws: {
            "\($0)".contains("test (PublicTest or PrivateTest) split is missing")
        }
    }

    @Test func quotedPixelsAndWindowsLineEndsAreAccepted() throws {
        let url = try csv("quotes") { lines in
            for i in 1..<lines.count where !lines[i].isEmpty {
                var fields = lines[i].components(separatedBy: ",")
                fields[1] = "\"" + fields[1] + "\""
                lines[i] = fields.joined(separator: ",") + "\r"
            }
        }
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        #expect(try FER2013CSV.load(url).train.fingerprint() == Self.data.train.fingerprint())
    }
}
