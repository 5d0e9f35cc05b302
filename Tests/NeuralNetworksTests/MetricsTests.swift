import Foundation
import Testing
@testable import NeuralNetworks

private struct MetricsFixture: Decodable {
    struct Case: Decodable {
        let truth: [Int], predicted: [Int], classNames: [String]
        let confusion: [[Int]]
        let accuracy: Double
        let precision: [Double], recall: [Double], f1: [Double], support: [Int]
        let report: String
        let warnings: [String]
        let balancedWeights: [Double]?
        let balancedAccuracy: Double, macroF1: Double
    }
    let cases: [Case]
}

@Suite("Metrics equal scikit-learn's")
struct MetricsTests {
    private let fixture = try! fixtureJSON("metrics.json", as: MetricsFixture.self)

    @Test("the classification report text is identical to classification_report(digits=4)")
    func reportText() throws {
        for c in fixture.cases {
            let report = try ClassificationReport(
                truth: c.truth, predicted: c.predicted, classNames: c.classNames)
            #expect(report.text(digits: 4) == c.report)
        }
    }

    @Test(
        "per-class precision, recall, F1, support and accuracy match, a never-predicted class scoring 0"
    )
    func perClassValues() throws {
        for c in fixture.cases {
            let report = try ClassificationReport(
                truth: c.truth, predicted: c.predicted, classNames: c.classNames)
            #expect(report.classes.map(\.support) == c.support)
            for (row, (p, (r, f))) in zip(report.classes, zip(c.precision, zip(c.recall, c.f1))) {
                #expect(
                    abs(row.precision - p) < 1e-12 && abs(row.recall - r) < 1e-12
                        && abs(row.f1 - f) < 1e-12)
            }
            #expect(abs(report.accuracy - c.accuracy) < 1e-12)
            #expect(try abs(accuracy(truth: c.truth, predicted: c.predicted) - c.accuracy) < 1e-12)
        }
    }

    @Test(
        "balanced accuracy equals balanced_accuracy_score (absent classes left out) and macro F1 f1_score(average='macro')"
    )
    func balancedAccuracyAndMacroF1() throws {
        for c in fixture.cases {
            let report = try ClassificationReport(
                truth: c.truth, predicted: c.predicted, classNames: c.classNames)
            #expect(abs(report.balancedAccuracy - c.balancedAccuracy) < 1e-12)
            #expect(abs(report.macroAverage.f1 - c.macroF1) < 1e-12)
        }
    }

    @Test("the undefined-metric warnings are scikit-learn's texts")
    func warnings() throws {
        for c in fixture.cases {
            let report = try ClassificationReport(
                truth: c.truth, predicted: c.predicted, classNames: c.classNames)
            #expect(report.warnings == c.warnings)
        }
    }

    @Test("the confusion matrix has true classes as rows")
    func confusion() throws {
        for c in fixture.cases {
            let m = try ConfusionMatrix(
                truth: c.truth, predicted: c.predicted, classCount: c.classNames.count)
            #expect(m.counts == c.confusion)
        }
    }

    @Test("balanced class weights equal compute_class_weight('balanced')")
    func balanced() throws {
        for c in fixture.cases {
            guard let expected = c.balancedWeights else {
                #expect(throws: MetricsError.self) {
                    try ClassWeights.balanced.resolve(labels: c.truth, classCount: 7)
                }
                continue
            }
            let w = try ClassWeights.balanced.resolve(labels: c.truth, classCount: 7)
            for (a, b) in zip(w, expected) { #expect(abs(a - b) < 1e-12) }
        }
    }

    @Test("FER-2013's training counts give disgust 9.4066 and happy 0.5684")
    func ferWeights() throws {
        let counts = [3995, 436, 4097, 7215, 4965, 4830, 3171]
        let labels = counts.enumerated().flatMap { Array(repeating: $0.offset, count: $0.element) }
        let w = try balancedClassWeights(labels: labels, classCount: 7)
        #expect(String(format: "%.4f", w[1]) == "9.4066")
        #expect(String(format: "%.4f", w[3]) == "0.5684")
    }

    @Test("top-k accuracy counts a hit when fewer than k classes score higher")
    func topK() throws {
        let scores: [[Float]] = [[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6]]
        #expect(try topKAccuracy(truth: [1, 1, 0], scores: scores, k: 1) == 1.0 / 3)
        #expect(try topKAccuracy(truth: [1, 1, 0], scores: scores, k: 2) == 1.0)
    }

    @Test("labels outside the class count and empty inputs are refused with the offending value")
    func badInput() {
        #expect(throws: MetricsError("true label 7 at index 1 is outside 0..<7")) {
            try ConfusionMatrix(truth: [0, 7], predicted: [0, 1], classCount: 7)
        }
        #expect(throws: MetricsError.self) {
            try ConfusionMatrix(truth: [], predicted: [], classCount: 7)
        }
        #expect(throws: MetricsError.self) {
            try ClassWeights.explicit([1, 2]).resolve(labels: [0], classCount: 3)
        }
    }
}
