import Foundation
import Testing
@testable import Vision

@Suite struct SyntheticFERTests {
    @Test func smallScalesKeepFERProportionsAndAFewImagesPerClass() {
        #expect(SyntheticFER.classCounts(.train, scale: 1.0).reduce(0, +) == 28_709)
        #expect(SyntheticFER.classCounts(.test, scale: 1.0).reduce(0, +) == 7_178)
        #expect(SyntheticFER.classCounts(.train, scale: 0.1) == [400, 44, 410, 722, 497, 483, 317])
        #expect(SyntheticFER.classCounts(.test, scale: 0.001).allSatisfy { $0 >= 4 })
    }

    @Test func theSameSeedGivesByteIdenticalImages() {
        let config = SyntheticFER.Configuration(scale: 0.005, seed: 7)
        let a = SyntheticFER.generate(.train, config), b = SyntheticFER.generate(.train, config)
        #expect(a == b)
        #expect(a.fingerprint() == b.fingerprint())
        let other = SyntheticFER.generate(.train, .init(scale: 0.005, seed: 8))
        #expect(other.fingerprint() != a.fingerprint())
    }

    @Test func imagesAre48x48GrayWithLabelsInFolderOrder() {
        let data = SyntheticFER.generate(.init(scale: 0.002, seed: 1))
        #expect(data.train.height == 48 && data.train.width == 48 && data.train.channels == 1)
        #expect(
            data.classNames == ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"])
        #expect(data.train.classCounts == SyntheticFER.classCounts(.train, scale: 0.002))
        // Faces are not blank: every image has contrast.
        for i in 0..<data.train.count {
            let image = data.train.image(at: i)
            #expect((image.pixels.max()! - image.pixels.min()!) > 40)
        }
    }

    @Test func theSampleGridHasOneColumnPerClass() {
        let test = SyntheticFER.generate(.test, .init(scale: 0.001, seed: 2013))
        let grid = test.sampleGrid(rows: 3, zoom: 2, gap: 2)
        #expect(grid.width == 7 * 96 + 8 * 2 && grid.height == 3 * 96 + 4 * 2)
        #expect(grid[2 + 10, 2 + 10] == test.image(at: 0)[5, 5])
    }

    /// Regenerates Notebooks/data/*.png when EMOTIVE_WRITE_SAMPLES names that folder:
    /// `EMOTIVE_WRITE_SAMPLES=$PWD/Notebooks/data swift test --filter readmeSampleGrids`.
    @Test func readmeSampleGrids() throws {
        guard let folder = ProcessInfo.processInfo.environment["EMOTIVE_WRITE_SAMPLES"] else {
            return
        }
        let directory = URL(fileURLWithPath: folder)
        let standard = SyntheticFER.generate(.test, .init(scale: 0.06, seed: 2013))
        try standard.sampleGrid(rows: 6).writePNG(
            to: directory.appendingPathComponent("synthetic-fer-samples.png"))
        let clean = SyntheticFER.generate(
            .test, .init(scale: 0.06, seed: 2013, labelNoise: 0, difficulty: 0))
        try clean.sampleGrid(rows: 4).writePNG(
            to: directory.appendingPathComponent("synthetic-fer-clean.png"))
        try Augmentation.everyTransform.preview(of: standard.image(at: 3), count: 7, seed: 1)
            .writePNG(to: directory.appendingPathComponent("augmentation-preview.png"))
    }
}

@Suite struct SyntheticFERFileTests {
    @Test func theSameSeedWritesByteIdenticalFoldersAndCSV() throws {
        let a = try FixtureFiles.temporaryDirectory("synth-a"),
            b = try FixtureFiles.temporaryDirectory("synth-b")
        defer {
            try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b)
        }
        for directory in [a, b] {
            try SyntheticFER.write(to: directory, scale: 0.001, format: .folders, seed: 9)
            try SyntheticFER.write(to: directory, scale: 0.001, format: .csv, seed: 9)
        }
        let files = FileManager.default.enumerator(atPath: a.path)!.compactMap { $0 as? String }
            .filter { $0.contains(".") }.sorted()
        let images =
            SyntheticFER.classCounts(.train, scale: 0.001).reduce(0, +)
            + SyntheticFER.classCounts(.test, scale: 0.001).reduce(0, +)
        #expect(files.count == images + 1)
        #expect(
            files
                == FileManager.default.enumerator(atPath: b.path)!.compactMap { $0 as? String }
                .filter { $0.contains(".") }.sorted())
        for file in files {
            #expect(
                try Data(contentsOf: a.appendingPathComponent(file))
                    == Data(contentsOf: b.appendingPathComponent(file)), "\(file) differs")
        }
    }
}
