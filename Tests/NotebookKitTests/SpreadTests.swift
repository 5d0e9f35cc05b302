import Testing
@testable import NotebookKit

@Suite("Spread over seeds")
struct SpreadTests {
    @Test("mean and sample standard deviation (n − 1), as numpy.std(ddof=1)")
    func sampleDeviation() {
        // numpy: np.mean([0.338, 0.406, 0.372]) = 0.372, np.std(..., ddof=1) = 0.034
        let s = Spread([0.338, 0.406, 0.372])
        #expect(abs(s.mean - 0.372) < 1e-12)
        #expect(abs(s.standardDeviation - 0.034) < 1e-12)
        #expect(abs(s.lowerBound - 0.338) < 1e-12)
        #expect(s.percent() == "37.20% ± 3.40")
        #expect(s.formatted(decimals: 3) == "0.372 ± 0.034")
    }

    @Test("one seed has no deviation and prints as a plain value; none gives NaN")
    func degenerate() {
        let one = Spread([0.5054])
        #expect(
            one.standardDeviation == 0 && one.percent() == "50.54%" && one.formatted() == "0.5054")
        #expect(Spread([]).mean.isNaN)
    }
}
