import Foundation
import Testing
@testable import Vision

@Suite struct FERPlusTests {
    @Test func majorityNeedsMoreThanHalfOfThePrunedVotes() {
        // neutral 6, happiness 3, surprise 1 (pruned as an outlier): 6 > 4.5.
        #expect(
            FERPlus.distribution(votes: [6, 3, 1, 0, 0, 0, 0, 0, 0, 0], mode: .majority) == [
                1, 0, 0, 0, 0, 0, 0, 0,
            ])
        // 4 of 9 is no majority: dropped.
        #expect(
            FERPlus.distribution(votes: [4, 3, 2, 0, 0, 0, 0, 0, 0, 0], mode: .majority) == nil)
        // A not-a-face majority is dropped.
        #expect(
            FERPlus.distribution(votes: [0, 2, 0, 0, 0, 0, 0, 0, 0, 8], mode: .majority) == nil)
    }

    @Test func probabilityKeepsTheTopEmotionsCoveringThreeQuarters() {
        // 5 + 3 of 10 votes already pass 75%, so the 2 votes for surprise are left out.
        #expect(
            FERPlus.distribution(votes: [5, 3, 2, 0, 0, 0, 0, 0, 0, 0], mode: .probability)
                == [0.625, 0.375, 0, 0, 0, 0, 0, 0])
        // 4 + 2 + 2 of 9: three emotions.
        #expect(
            FERPlus.distribution(votes: [4, 2, 2, 1, 0, 0, 0, 0, 0, 0], mode: .probability)
                == [0.5, 0.25, 0.25, 0, 0, 0, 0, 0])
        // Unknown among the top votes after an emotion: the emotion stays, unknown is removed.
        let e = FERPlus.distribution(votes: [6, 0, 0, 0, 0, 0, 0, 0, 4, 0], mode: .probability)!
        #expect(e[0] == 1)
    }

    @Test func loadPairsVotesWithTheOriginalPixelsRowByRow() throws {
        let data = SyntheticFER.generate(.init(scale: 0.0005, seed: 1))
        let directory = try FixtureFiles.temporaryDirectory("ferplus")
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("fer2013.csv")
        try FER2013CSV.write(data, to: csv)
        let splits = try FER2013CSV.readSplits(csv)
        var lines = [
            "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF"
        ]
        for usage in FER2013CSV.usages {
            for i in 0..<splits[usage]!.count {
                // Every third image is not a face; the others have a clear winner i % 8.
                var votes = [Int](repeating: 0, count: 10)
                if i % 3 == 2 { votes[9] = 10 } else { votes[i % 8] = 8; votes[(i + 1) % 8] = 2 }
                lines.append(
                    "\(usage),fer\(i).png," + votes.map(String.init).joined(separator: ","))
            }
        }
        let votes = directory.appendingPathComponent("fer2013new.csv")
        try lines.joined(separator: "\n").write(to: votes, atomically: true, encoding: .utf8)
        let plus = try FERPlus.load(fer2013: csv, ferPlus: votes)
        let training = splits["Training"]!
        #expect(plus.train.images.count == (0..<training.count).filter { $0 % 3 != 2 }.count)
        #expect(plus.train.images.classNames == FERPlus.classNames)
        #expect(plus.train.images.labels[0] == 0 && plus.train.images.labels[1] == 1)
        #expect(plus.train.images.image(at: 1) == training.image(at: 1))
        #expect(plus.train.images.image(at: 2) == training.image(at: 3))
        #expect(plus.validation.images.count + plus.test.images.count > 0)
    }
}
