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
        #expect(data.classNames == ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"])
        #expect(data.train.classCounts == SyntheticFER.classCounts(.train, scale: 0.002))
        // Faces are not blank: every image has contrast.
        for i in 0..<data.train.count {
            let image = data.train.image(at: i)
            #expect((image.pixels.max()! - image.pixels.min()!) > 40)
        }
    }

    /// Writes the README's sample grid when EMOTIVE_WRITE_SAMPLES names a file.
    @Test func sampleGridForTheReadme() throws {
        let test = SyntheticFER.generate(.test, .init(scale: 0.01, seed: 2013))
        let grid = test.sampleGrid(rows: 6)
        #expect(grid.width == 7 * 96 + 8 * 2)
        if let path = ProcessInfo.processInfo.environment["EMOTIVE_WRITE_SAMPLES"] {
            try grid.writePNG(to: URL(fileURLWithPath: path))
        }
    }
}
