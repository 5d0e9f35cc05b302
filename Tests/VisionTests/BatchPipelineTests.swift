import Foundation
import Testing
@testable import Vision

@Suite struct BatchPipelineTests {
    // 7 classes, 115 images
    static let data = SyntheticFER.generate(.train, .init(scale: 0.004, seed: 3))

    @Test func anEpochVisitsEveryImageOnceInBatchesOfTheRequestedSize() {
        let pipeline = BatchPipeline(Self.data, batchSize: 32, seed: 1)
        let batches = Array(pipeline.batches(epoch: 0))
        #expect(batches.count == pipeline.batchCount)
        #expect(batches.map(\.count) == [32, 32, 32, Self.data.count - 96])
        #expect(batches.flatMap(\.indices).sorted() == Array(0..<Self.data.count))
        #expect(batches[0].shape == [32, 48, 48, 1])
        #expect(batches[0].labels == batches[0].indices.map { Self.data.labels[$0] })
    }

    @Test func theSameSeedAndEpochGiveTheSameBatchesAndEpochsDiffer() {
        let pipeline = BatchPipeline(
            Self.data, batchSize: 16, seed: 5, augmentation: .everyTransform)
        let a = Array(pipeline.batches(epoch: 2)), b = Array(pipeline.batches(epoch: 2))
        #expect(a.map(\.images) == b.map(\.images))
        #expect(a.map(\.labels) == b.map(\.labels))
        #expect(Array(pipeline.batches(epoch: 3)).map(\.indices) != a.map(\.indices))
    }

    @Test func grayBecomesThreeChannelsResizedAndRescaledToZeroOne() {
        let pipeline = BatchPipeline(
            Self.data, batchSize: 8, shuffle: false, targetSize: (64, 64), channels: 3)
        let batch = pipeline.batch(0, epoch: 0)
        #expect(batch.shape == [8, 64, 64, 3])
        #expect(batch.images.allSatisfy { $0 >= 0 && $0 <= 1 })
        // Channels are replicated gray.
        #expect(batch.images[0] == batch.images[1] && batch.images[1] == batch.images[2])
        // Nearest resize of the first image, rescaled.
        let expected = Self.data.image(at: 0).resized(height: 64, width: 64, method: .nearest)
        #expect(batch.images[3 * 100] == Float(expected.pixels[100]) * (1.0 / 255))
    }

    @Test func dropRemainderLeavesOutTheShortLastBatch() {
        let pipeline = BatchPipeline(Self.data, batchSize: 32, dropRemainder: true)
        #expect(pipeline.batchCount == Self.data.count / 32)
        #expect(Array(pipeline.batches(epoch: 0)).allSatisfy { $0.count == 32 })
    }

    @Test func rowsOfEachBatchAreThoseRowsOfTheWholeBatchesAugmentationIncluded() {
        let pipeline = BatchPipeline(
            Self.data, batchSize: 32, seed: 5, augmentation: .everyTransform)
        let whole = Array(pipeline.batches(epoch: 2))
        // A rank's share of 2: the second half; batch 1 is left out (empty rows).
        let rows: @Sendable (Int, Int) -> Range<Int> = { b, n in b == 1 ? 0..<0 : (n / 2)..<n }
        let mine = Array(pipeline.batches(epoch: 2, rows: rows))
        #expect(mine.map(\.number) == [0, 2, 3])
        #expect(mine.map(\.wholeCount) == [32, 32, Self.data.count - 96])
        let size = 48 * 48
        for batch in mine {
            let from = whole[batch.number], range = rows(batch.number, from.count)
            #expect(batch.count == range.count && batch.shape == [range.count, 48, 48, 1])
            #expect(batch.indices == Array(from.indices[range]))
            #expect(batch.labels == Array(from.labels[range]))
            #expect(
                batch.images
                    == Array(from.images[(range.lowerBound * size)..<(range.upperBound * size)]))
        }
        #expect(
            whole.map(\.number) == Array(0..<4) && whole.allSatisfy { $0.wholeCount == $0.count })
    }

    @Test func stoppingEarlyReleasesTheProducer() {
        let pipeline = BatchPipeline(Self.data, batchSize: 4, prefetch: 1)
        for (i, _) in pipeline.batches(epoch: 0).enumerated() where i == 1 { break }
        // A second full pass still works after abandoning the first.
        #expect(Array(pipeline.batches(epoch: 0)).count == pipeline.batchCount)
    }
}

@Suite struct ValidationSplitTests {
    @Test func validationTakesTheFirstFifthOfEachClassAsKerasDoes() {
        let data = SyntheticFER.generate(.train, .init(scale: 0.004, seed: 1))
        let (training, validation) = data.validationSplit(0.2)
        #expect(validation.classCounts == data.classCounts.map { Int(0.2 * Double($0)) })
        #expect(training.count + validation.count == data.count)
        let firstAngry = data.labels.firstIndex(of: 0)!
        #expect(validation.image(at: 0) == data.image(at: firstAngry))
    }
}

@Suite struct GrayToRGBTests {
    @Test func preparingGrayOnceThenReplicatingEqualsAugmentingRGB() {
        let data = SyntheticFER.generate(.test, .init(scale: 0.001, seed: 5))
        let augment = Augmentation(
            rotation: 20, widthShift: 0.1, zoom: 0.1, horizontalFlip: true, brightness: 0.8...1.2)
        let gray = BatchPipeline(
            data, seed: 2, targetSize: (60, 60), channels: 3, augmentation: augment)
        let rgb = BatchPipeline(
            data.converted(toChannels: 3), seed: 2, targetSize: (60, 60), channels: 3,
            augmentation: augment)
        for index in [0, 7, 20] {
            #expect(gray.prepare(index: index, epoch: 1) == rgb.prepare(index: index, epoch: 1))
        }
    }
}
