import Foundation
import Testing
@testable import Vision

@Suite struct FolderLoaderTests {
    static let data = SyntheticFER.generate(.init(scale: 0.001, seed: 4))

    func writeFolders(_ label: String, format: SyntheticFER.OutputFormat = .folders) throws -> URL {
        let root = try FixtureFiles.temporaryDirectory(label)
        try SyntheticFER.write(Self.data, to: root, format: format)
        return root
    }

    @Test func thePNGFolderLayoutLoadsBackByteIdentical() throws {
        let root = try writeFolders("roundtrip")
        defer { try? FileManager.default.removeItem(at: root) }
        let loaded = try FER2013.load(root.path)
        #expect(loaded.classNames == FER2013.classNames)
        #expect(loaded.train.fingerprint() == Self.data.train.fingerprint())
        #expect(loaded.test.fingerprint() == Self.data.test.fingerprint())
    }

    @Test func jpegFoldersLoadLikeKagglesDownload() throws {
        let root = try writeFolders("jpeg", format: .jpegFolders)
        defer { try? FileManager.default.removeItem(at: root) }
        let loaded = try FER2013.load(root.path)
        #expect(loaded.train.classCounts == Self.data.train.classCounts)
        let difference = zip(loaded.train.pixels, Self.data.train.pixels).map {
            abs(Int($0) - Int($1))
        }.reduce(0, +)
        #expect(Double(difference) / Double(loaded.train.pixels.count) < 6)  // lossy, close
    }

    @Test func classOrderIsAlphabeticalUnlessGiven() throws {
        let root = try writeFolders("order")
        defer { try? FileManager.default.removeItem(at: root) }
        let reversed = Array(FER2013.classNames.reversed())
        let loaded = try FolderLoader.load(root: root, options: LoadOptions(classNames: reversed))
        #expect(loaded.classNames == reversed)
        #expect(loaded.train.classCounts == Self.data.train.classCounts.reversed())
    }

    @Test func aTextFileInAClassFolderStopsTheLoadNamingTheFile() throws {
        let root = try writeFolders("text")
        defer { try? FileManager.default.removeItem(at: root) }
        let bad = root.appendingPathComponent("train/happy/readme.txt")
        try "not an image".write(to: bad, atomically: true, encoding: .utf8)
        #expect { try FER2013.load(root.path) } throws: {
            "\($0)".contains("train/happy/readme.txt")
        }
        let report = LoadReport()
        let loaded = try FER2013.load(
            root.path, options: LoadOptions(onBadInput: .skip, report: report))
        #expect(report.skipped.count == 1 && report.skipped[0].contains("readme.txt"))
        #expect(loaded.train.count == Self.data.train.count)
    }

    @Test func aTruncatedJPEGIsReportedByName() throws {
        let root = try writeFolders("truncated")
        defer { try? FileManager.default.removeItem(at: root) }
        let bytes = try Data(contentsOf: FixtureFiles.url("images/truncated.jpg"))
        try bytes.write(to: root.appendingPathComponent("test/fear/PublicTest_99999.jpg"))
        #expect { try FER2013.load(root.path) } throws: { error in
            "\(error)".contains("PublicTest_99999.jpg") && "\(error)".contains("truncated")
        }
    }

    @Test func anImageOfAnotherSizeIsRejectedOrResizedWithAWarning() throws {
        let root = try writeFolders("size")
        defer { try? FileManager.default.removeItem(at: root) }
        try Image(height: 64, width: 64, filledWith: 90).writePNG(
            to: root.appendingPathComponent("train/sad/zz_big.png"))
        #expect { try FER2013.load(root.path) } throws: { error in
            "\(error)".contains("zz_big.png") && "\(error)".contains("64x64")
                && "\(error)".contains("48x48")
        }
        let report = LoadReport()
        let loaded = try FER2013.load(
            root.path, options: LoadOptions(onWrongSize: .resize, report: report))
        #expect(loaded.train.count == Self.data.train.count + 1)
        #expect(report.warnings.count == 1 && report.warnings[0].contains("zz_big.png"))
    }

    @Test func aMissingTestSplitAndAnUnknownClassAreNamed() throws {
        let root = try writeFolders("split")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("train/contempt"), withIntermediateDirectories: true)
        #expect {
            try FolderLoader.load(root: root, options: LoadOptions(classNames: FER2013.classNames))
        } throws: { error in
            "\(error)".contains("contempt") && "\(error)".contains("unknown class")
        }
        try FileManager.default.removeItem(at: root.appendingPathComponent("train/contempt"))
        try FileManager.default.removeItem(at: root.appendingPathComponent("test"))
        #expect { try FER2013.load(root.path) } throws: {
            "\($0)".contains("test split is missing")
        }
    }

    @Test func loadDetectsFoldersCSVAndSynthetic() throws {
        let root = try writeFolders("detect")
        defer { try? FileManager.default.removeItem(at: root) }
        guard case let .folders(found) = try DatasetFormat.detect(root.path) else {
            Issue.record("not detected as folders"); return
        }
        #expect(found.path == root.path)
        try SyntheticFER.write(Self.data, to: root.appendingPathComponent("csv"), format: .csv)
        let csv = root.appendingPathComponent("csv/fer2013.csv")
        #expect(try DatasetFormat.detect(csv.path) == .csv(csv))
        #expect(try DatasetFormat.detect(root.appendingPathComponent("csv").path) == .csv(csv))
        #expect(try DatasetFormat.detect("synthetic:0.5") == .synthetic(scale: 0.5))
        #expect(throws: DatasetError.self) {
            try DatasetFormat.detect(root.appendingPathComponent("nowhere").path)
        }
        let small = try FER2013.load("synthetic:0.001", options: LoadOptions(seed: 4))
        #expect(small.train == Self.data.train)
    }

    @Test func loadResizesAndConvertsToTheModelsInput() throws {
        let loaded = try FER2013.load("synthetic:0.001", imageSize: 32, channels: 3, seed: 4)
        #expect(loaded.train.height == 32 && loaded.train.width == 32 && loaded.train.channels == 3)
    }
}
