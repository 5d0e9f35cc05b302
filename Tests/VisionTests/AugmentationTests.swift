import Foundation
import Testing
@testable import Vision
import TestSupport

/// Keras ImageDataGenerator.apply_transform outputs (Fixtures/make_augmentation.py).
@Suite struct AugmentationTests {
    /// Float32 rounding of the bilinear sums; outputs are written with 4 decimals.
    static let tolerance: Float = 1e-3

    @Test func affineTransformsMatchKerasApplyTransformForEveryFillMode() throws {
        let fixture = try FixtureFiles.json("augmentation.json")
        let images = fixture["images"] as! [String: [String: Any]]
        let cases = fixture["cases"] as! [[String: Any]]
        #expect(cases.count == 74)
        var worst: Float = 0
        for (n, c) in cases.enumerated() {
            let image = images[c["image"] as! String]!
            let shape = image["shape"] as! [Int]
            let pixels = (image["pixels"] as! [Double]).map(Float.init)
            let p = c["params"] as! [String: Any]
            func value(_ key: String, _ fallback: Double) -> Double {
                (p[key] as? Double) ?? (p[key] as? Int).map(Double.init) ?? fallback
            }
            let parameters = Augmentation.Parameters(
                theta: value("theta", 0), tx: value("tx", 0), ty: value("ty", 0),
                shear: value("shear", 0),
                zx: value("zx", 1), zy: value("zy", 1),
                flipHorizontal: (p["flip_horizontal"] as? Bool) ?? false,
                flipVertical: (p["flip_vertical"] as? Bool) ?? false,
                brightness: p["brightness"] as? Double)
            let augmentation = Augmentation(
                fillMode: Augmentation.FillMode(rawValue: c["fill_mode"] as! String)!,
                constant: Float(c["cval"] as! Double))
            let ours = augmentation.apply(
                parameters, to: pixels, height: shape[0], width: shape[1], channels: shape[2])
            let keras = (c["output"] as! [Double]).map(Float.init)
            let difference = try #require(maxAbsDifference(ours, keras))
            worst = max(worst, difference)
            #expect(
                difference <= Self.tolerance,
                "case \(n): \(c["image"]!) \(c["fill_mode"]!) \(p) differs by \(difference)")
        }
        #expect(worst <= Self.tolerance)
    }

    @Test func randomParametersStayInsideTheConfiguredRanges() {
        let augmentation = Augmentation.everyTransform
        var rng = SplitMix64(seed: 1)
        var flips = 0
        for _ in 0..<500 {
            let p = augmentation.randomParameters(height: 48, width: 40, using: &rng)
            #expect(
                abs(p.theta) <= 30 && abs(p.tx) <= 0.2 * 48 && abs(p.ty) <= 0.2 * 40
                    && abs(p.shear) <= 0.2)
            #expect((0.8...1.2).contains(p.zx) && (0.8...1.2).contains(p.zy))
            #expect(!p.flipVertical)
            if p.flipHorizontal { flips += 1 }
        }
        #expect(flips > 200 && flips < 300)
    }

    @Test func theBuilderAndTheInitialiserDescribeTheSameAugmentation() {
        let built = Augmentation {
            Rotation(degrees: 30); Shift(width: 0.2, height: 0.2); Shear(degrees: 0.2)
            Zoom(0.2); HorizontalFlip(); Brightness(0.8...1.2)
        }
        let plain = Augmentation(
            rotation: 30, widthShift: 0.2, heightShift: 0.2, shear: 0.2, zoom: 0.2,
            horizontalFlip: true, fillMode: .nearest, brightness: 0.8...1.2)
        #expect(built == plain)
    }

    @Test func randomErasingFillsOneRectangleWithTheGivenValue() {
        let augmentation = Augmentation(
            erasing: .init(probability: 1, area: 0.1...0.1, aspect: 1...1, value: 0))
        var rng = SplitMix64(seed: 3)
        let image = [Float](repeating: 200, count: 20 * 20)
        let out = augmentation.apply(image, height: 20, width: 20, channels: 1, using: &rng)
        #expect(out.filter { $0 == 0 }.count == 36)  // sqrt(40) rounds to a 6x6 square
    }

    @Test func theSameSeedGivesTheSameAugmentedImage() {
        let image = SyntheticFER.face(emotion: 3, seed: 5)
        var a = SplitMix64(seed: 9), b = SplitMix64(seed: 9)
        #expect(
            Augmentation.everyTransform.apply(image, using: &a)
                == Augmentation.everyTransform.apply(image, using: &b))
    }
}

@Suite struct AugmentationPreviewTests {
    @Test func thePreviewStartsWithTheOriginalFollowedByAugmentedCopies() {
        let face = SyntheticFER.face(emotion: 0, seed: 2)
        let strip = Augmentation.everyTransform.preview(
            of: face, count: 3, seed: 1, zoom: 1, gap: 2)
        #expect(strip.width == 4 * 50 + 2 && strip.height == 52)
        #expect(strip[2 + 20, 2 + 30] == face[20, 30])
    }
}
