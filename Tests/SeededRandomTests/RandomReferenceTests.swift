import Testing
@testable import SeededRandom

/// The generators against the reference outputs of their published C code, so a change
/// that would silently alter every seeded result fails here.
@Suite struct RandomReference {
    @Test func xoshiro256StarStarMatchesTheReferenceImplementation() {
        var rng = RandomGenerator(state: (1, 2, 3, 4))
        let outputs = (0..<5).map { _ in rng.next() }
        #expect(outputs == [11520, 0, 1509978240, 1215971899390074240, 1216172134540287360])
    }

    @Test func splitMix64MatchesTheReferenceImplementation() {
        var state: UInt64 = 1234567
        var rng = SplitMix64(seed: state)
        let outputs = (0..<3).map { _ in rng.next() }
        #expect(outputs == [6457827717110365317, 3203168211198807973, 9817491932198370423])
    }
}
