// Augmentation with Keras ImageDataGenerator semantics (keras/src/legacy/preprocessing/image.py),
// plus random erasing. FER-FACTS §5 describes the transform this file reproduces.
import Foundation
import Preconditions

/// Random image augmentation, parameter for parameter as Keras `ImageDataGenerator`.
///
/// ```swift
/// let augment = Augmentation(rotation: 30, widthShift: 0.2, heightShift: 0.2, shear: 0.2,
///                            zoom: 0.2, horizontalFlip: true, fillMode: .nearest,
///                            brightness: 0.8...1.2)
/// // or, as a builder:
/// let same = Augmentation {
///     Rotation(degrees: 30); Shift(width: 0.2, height: 0.2); Shear(degrees: 0.2)
///     Zoom(0.2); HorizontalFlip(); Brightness(0.8...1.2)
/// }
/// ```
///
/// Per sample, parameters are drawn in Keras' order (θ, tx from the height shift, ty from the
/// width shift, shear, zx and zy, horizontal then vertical flip, brightness), then one affine
/// pass with bilinear interpolation (scipy `affine_transform`, order 1) maps each output pixel
/// to the input through M = R(θ)·T(tx,ty)·Shear(s)·Zoom(zx,zy) about the centre
/// (h/2 − 0.5, w/2 − 0.5); then flips, then brightness (PIL `ImageEnhance.Brightness` on the
/// uint8-truncated image), then random erasing. Differences from Keras on purpose: random
/// numbers come from SplitMix64, not NumPy's global generator, and random erasing is ours.
///
/// `description` names every parameter that changes a result (caches key on it).
public struct Augmentation: Sendable, Hashable, CustomStringConvertible {
    /// How points that map outside the input are filled (scipy.ndimage modes).
    public enum FillMode: String, Sendable, Hashable, CaseIterable {
        case nearest, constant, reflect, wrap
    }

    /// Random erasing (Zhong et al., 2017, arXiv:1708.04896): with `probability`, a rectangle
    /// covering `area` of the image with aspect ratio in `aspect` is filled with `value`
    /// (nil = uniform noise in 0...255).
    public struct Erasing: Sendable, Hashable {
        public var probability: Double
        public var area: ClosedRange<Double>
        public var aspect: ClosedRange<Double>
        public var value: Float?
        public init(
            probability: Double = 0.5, area: ClosedRange<Double> = 0.02...0.25,
            aspect: ClosedRange<Double> = 0.3...3.3, value: Float? = nil
        ) {
            self.probability = probability; self.area = area; self.aspect = aspect;
            self.value = value
        }
    }

    /// Degrees; θ ~ U(−rotation, rotation).
    public var rotation: Double
    /// Fraction of the width (< 1) or pixels (≥ 1).
    public var widthShift: Double
    /// Fraction of the height (< 1) or pixels (≥ 1).
    public var heightShift: Double
    /// Degrees (as Keras: `shear_range` is in degrees, so 0.2 is a tiny shear).
    public var shear: Double
    /// Zoom factors zx, zy ~ U(range) independently; M maps output to input, so z > 1 zooms out.
    public var zoom: ClosedRange<Double>
    public var horizontalFlip: Bool
    public var verticalFlip: Bool
    public var fillMode: FillMode
    /// The fill value for `.constant`.
    public var constant: Float
    /// Brightness factor range (PIL ImageEnhance.Brightness), nil = off.
    public var brightness: ClosedRange<Double>?
    public var erasing: Erasing?

    public init(
        rotation: Double = 0, widthShift: Double = 0, heightShift: Double = 0, shear: Double = 0,
        zoom: Double = 0, horizontalFlip: Bool = false, verticalFlip: Bool = false,
        fillMode: FillMode = .nearest, constant: Float = 0, brightness: ClosedRange<Double>? = nil,
        erasing: Erasing? = nil
    ) {
        self.init(
            rotation: rotation, widthShift: widthShift, heightShift: heightShift, shear: shear,
            zoomRange: (1 - zoom)...(1 + zoom), horizontalFlip: horizontalFlip,
            verticalFlip: verticalFlip,
            fillMode: fillMode, constant: constant, brightness: brightness, erasing: erasing)
    }

    public init(
        rotation: Double = 0, widthShift: Double = 0, heightShift: Double = 0, shear: Double = 0,
        zoomRange: ClosedRange<Double>, horizontalFlip: Bool = false, verticalFlip: Bool = false,
        fillMode: FillMode = .nearest, constant: Float = 0, brightness: ClosedRange<Double>? = nil,
        erasing: Erasing? = nil
    ) {
        check(
            rotation >= 0 && widthShift >= 0 && heightShift >= 0 && shear >= 0,
            "Augmentation ranges must be non-negative (rotation \(rotation), shifts \(widthShift)/\(heightShift), shear \(shear))"
        )
        check(zoomRange.lowerBound > 0, "zoom range must stay above 0, got \(zoomRange)")
        self.rotation = rotation; self.widthShift = widthShift; self.heightShift = heightShift
        self.shear = shear; self.zoom = zoomRange; self.horizontalFlip = horizontalFlip
        self.verticalFlip = verticalFlip; self.fillMode = fillMode; self.constant = constant
        self.brightness = brightness; self.erasing = erasing
    }

    /// No augmentation.
    public static let none = Augmentation()

    public var isIdentity: Bool { self == .none }

    public var description: String {
        var parts: [String] = []
        if rotation != 0 { parts.append("rotation \(rotation)°") }
        if widthShift != 0 || heightShift != 0 {
            parts.append("shift \(widthShift)w/\(heightShift)h")
        }
        if shear != 0 { parts.append("shear \(shear)°") }
        if zoom != 1...1 { parts.append("zoom \(zoom.lowerBound)…\(zoom.upperBound)") }
        if horizontalFlip { parts.append("horizontal flip") }
        if verticalFlip { parts.append("vertical flip") }
        if let brightness {
            parts.append("brightness \(brightness.lowerBound)…\(brightness.upperBound)")
        }
        if let erasing {
            parts.append(
                "erasing p=\(erasing.probability) area \(erasing.area.lowerBound)…\(erasing.area.upperBound)"
                    + " aspect \(erasing.aspect.lowerBound)…\(erasing.aspect.upperBound)"
                    + " value \(erasing.value.map { "\($0)" } ?? "noise")")
        }
        parts.append(
            fillMode == .constant ? "fill constant \(constant)" : "fill \(fillMode.rawValue)")
        return parts.count == 1 ? "none" : parts.joined(separator: ", ")
    }

    // MARK: Parameters

    /// A rectangle filled by random erasing, with the seed of its noise fill.
    public struct ErasedRegion: Sendable, Hashable {
        public var top: Int, left: Int, height: Int, width: Int
        public var seed: UInt64
    }

    /// One sample's transform, named as Keras' `get_random_transform` dictionary.
    public struct Parameters: Sendable, Hashable {
        public var theta: Double = 0
        /// Keras' tx: drawn from the height shift, scaled by the height.
        public var tx: Double = 0
        /// Keras' ty: drawn from the width shift, scaled by the width.
        public var ty: Double = 0
        public var shear: Double = 0
        public var zx: Double = 1
        public var zy: Double = 1
        public var flipHorizontal = false
        public var flipVertical = false
        public var brightness: Double?
        /// The erased rectangle, if any.
        public var erase: ErasedRegion?

        public init(
            theta: Double = 0, tx: Double = 0, ty: Double = 0, shear: Double = 0, zx: Double = 1,
            zy: Double = 1,
            flipHorizontal: Bool = false, flipVertical: Bool = false, brightness: Double? = nil
        ) {
            self.theta = theta; self.tx = tx; self.ty = ty; self.shear = shear; self.zx = zx;
            self.zy = zy
            self.flipHorizontal = flipHorizontal; self.flipVertical = flipVertical;
            self.brightness = brightness
        }
    }

    /// Draws one sample's parameters in Keras' order.
    public func randomParameters(height: Int, width: Int, using rng: inout SplitMix64) -> Parameters
    {
        var p = Parameters()
        if rotation != 0 { p.theta = rng.uniform(-rotation, rotation) }
        if heightShift != 0 {
            p.tx = rng.uniform(-heightShift, heightShift)
            if heightShift < 1 { p.tx *= Double(height) }
        }
        if widthShift != 0 {
            p.ty = rng.uniform(-widthShift, widthShift)
            if widthShift < 1 { p.ty *= Double(width) }
        }
        if shear != 0 { p.shear = rng.uniform(-shear, shear) }
        if zoom != 1...1 {
            p.zx = rng.uniform(zoom.lowerBound, zoom.upperBound)
            p.zy = rng.uniform(zoom.lowerBound, zoom.upperBound)
        }
        p.flipHorizontal = rng.unit() < 0.5 && horizontalFlip
        p.flipVertical = rng.unit() < 0.5 && verticalFlip
        if let brightness {
            p.brightness = rng.uniform(brightness.lowerBound, brightness.upperBound)
        }
        if let erasing, rng.chance(erasing.probability) {
            let area = Double(height * width)
            for _ in 0..<10 {
                let target = area * rng.uniform(erasing.area.lowerBound, erasing.area.upperBound)
                let ratio = exp(
                    rng.uniform(log(erasing.aspect.lowerBound), log(erasing.aspect.upperBound)))
                let h = Int((target * ratio).squareRoot().rounded()),
                    w = Int((target / ratio).squareRoot().rounded())
                if h >= 1 && w >= 1 && h < height && w < width {
                    p.erase = ErasedRegion(
                        top: rng.index(below: height - h + 1),
                        left: rng.index(below: width - w + 1),
                        height: h, width: w, seed: rng.next())
                    break
                }
            }
        }
        return p
    }

    // MARK: Applying

    /// A random transform of an HWC Float image in [0, 255].
    public func apply(
        _ pixels: [Float], height: Int, width: Int, channels: Int, using rng: inout SplitMix64
    ) -> [Float] {
        let p = randomParameters(height: height, width: width, using: &rng)
        return apply(p, to: pixels, height: height, width: width, channels: channels)
    }

    /// A random transform of an 8-bit image (result rounded back to 8 bits).
    public func apply(_ image: Image, using rng: inout SplitMix64) -> Image {
        let out = apply(
            image.pixels.map(Float.init), height: image.height, width: image.width,
            channels: image.channels, using: &rng)
        return Image(
            height: image.height, width: image.width, channels: image.channels,
            pixels: out.map { UInt8(max(0, min(255, $0.rounded()))) })
    }

    /// Keras `ImageDataGenerator.apply_transform` with fixed parameters, on HWC Float pixels.
    public func apply(_ p: Parameters, to pixels: [Float], height: Int, width: Int, channels: Int)
        -> [Float]
    {
        check(
            pixels.count == height * width * channels,
            "apply expects \(height)x\(width)x\(channels) = \(height * width * channels) samples, got \(pixels.count)"
        )
        var out = Self.affine(
            pixels, height: height, width: width, channels: channels, parameters: p,
            fillMode: fillMode, constant: constant)
        if p.flipHorizontal {
            for y in 0..<height {
                for x in 0..<(width / 2) {
                    for c in 0..<channels {
                        out.swapAt(
                            (y * width + x) * channels + c,
                            (y * width + width - 1 - x) * channels + c)
                    }
                }
            }
        }
        if p.flipVertical {
            let row = width * channels
            for y in 0..<(height / 2) {
                for i in 0..<row { out.swapAt(y * row + i, (height - 1 - y) * row + i) }
            }
        }
        if let factor = p.brightness {
            // array_to_img(scale=False) truncates to uint8; PIL's blend with black truncates again.
            for i in out.indices {
                let v = Float(UInt8(max(0, min(255, out[i]))))
                out[i] = min(255, max(0, (v * Float(factor)).rounded(.towardZero)))
            }
        }
        if let erase = p.erase {
            var fill = SplitMix64(seed: erase.seed)
            for y in erase.top..<(erase.top + erase.height) {
                for x in erase.left..<(erase.left + erase.width) {
                    for c in 0..<channels {
                        out[(y * width + x) * channels + c] =
                            erasing?.value ?? Float(fill.index(below: 256))
                    }
                }
            }
        }
        return out
    }

    /// The 3x3 matrix Keras builds, after its x/y swap: maps output (row, col, 1) to input.
    public static func kerasMatrix(_ p: Parameters, height: Int, width: Int) -> [[Double]]? {
        typealias M = [[Double]]
        func mul(_ a: M, _ b: M) -> M {
            (0..<3).map { i in (0..<3).map { j in (0..<3).reduce(0) { $0 + a[i][$1] * b[$1][j] } } }
        }
        var m: M?
        if p.theta != 0 {
            let t = p.theta * Double.pi / 180
            m = [[cos(t), -sin(t), 0], [sin(t), cos(t), 0], [0, 0, 1]]
        }
        if p.tx != 0 || p.ty != 0 {
            let s: M = [[1, 0, p.tx], [0, 1, p.ty], [0, 0, 1]]
            m = m.map { mul($0, s) } ?? s
        }
        if p.shear != 0 {
            let s = p.shear * Double.pi / 180
            let sh: M = [[1, -sin(s), 0], [0, cos(s), 0], [0, 0, 1]]
            m = m.map { mul($0, sh) } ?? sh
        }
        if p.zx != 1 || p.zy != 1 {
            let z: M = [[p.zx, 0, 0], [0, p.zy, 0], [0, 0, 1]]
            m = m.map { mul($0, z) } ?? z
        }
        guard var matrix = m else { return nil }
        // transform_matrix_offset_center(matrix, h, w): o_x from h, o_y from w.
        let ox = Double(height) / 2 - 0.5, oy = Double(width) / 2 - 0.5
        matrix = mul(
            mul([[1, 0, ox], [0, 1, oy], [0, 0, 1]], matrix),
            [[1, 0, -ox], [0, 1, -oy], [0, 0, 1]])
        // Keras swaps x and y (M' = P M P) because its matrix is written for (x, y).
        matrix = [
            [matrix[1][1], matrix[1][0], matrix[1][2]],
            [matrix[0][1], matrix[0][0], matrix[0][2]],
            [0, 0, 1],
        ]
        return matrix
    }

    /// scipy.ndimage.affine_transform(order=1) per channel, with scipy's boundary handling.
    static func affine(
        _ pixels: [Float], height: Int, width: Int, channels: Int, parameters: Parameters,
        fillMode: FillMode, constant: Float
    ) -> [Float] {
        guard let m = kerasMatrix(parameters, height: height, width: width) else { return pixels }
        var out = [Float](repeating: 0, count: pixels.count)
        pixels.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                for orow in 0..<height {
                    for ocol in 0..<width {
                        let r = m[0][0] * Double(orow) + m[0][1] * Double(ocol) + m[0][2]
                        let c = m[1][0] * Double(orow) + m[1][1] * Double(ocol) + m[1][2]
                        let base = (orow * width + ocol) * channels
                        guard let (r0, r1, wr) = axis(r, height, fillMode),
                            let (c0, c1, wc) = axis(c, width, fillMode)
                        else {
                            for k in 0..<channels { output[base + k] = constant }
                            continue
                        }
                        for k in 0..<channels {
                            let a = Double(input[(r0 * width + c0) * channels + k]),
                                b = Double(input[(r0 * width + c1) * channels + k])
                            let d = Double(input[(r1 * width + c0) * channels + k]),
                                e = Double(input[(r1 * width + c1) * channels + k])
                            output[base + k] = Float(
                                (1 - wr) * ((1 - wc) * a + wc * b) + wr * ((1 - wc) * d + wc * e))
                        }
                    }
                }
            }
        }
        return out
    }

    /// scipy 1.17's map_coordinate, then the two linear-spline taps with its mirrored edge
    /// indices ('nearest' clamps, 'wrap' keeps scipy's legacy period of n − 1, 'reflect'
    /// mirrors the taps). Returns nil where `constant` mode fills (strictly outside [0, n − 1]).
    @inline(__always)
    static func axis(_ coordinate: Double, _ n: Int, _ mode: FillMode) -> (Int, Int, Double)? {
        var x = coordinate
        let len = Double(n)
        if x < 0 {
            switch mode {
            case .nearest: x = 0
            case .constant: return nil
            case .reflect:
                let start = Int(x.rounded(.down))
                return (reflect(start, n), reflect(start + 1, n), x - Double(start))
            case .wrap:
                if n <= 1 {
                    x = 0
                } else {
                    let sz = len - 1
                    x += sz * (Double(Int(-x / sz)) + 1)
                }
            }
        } else if x > len - 1 {
            switch mode {
            case .nearest: x = len - 1
            case .constant: return nil
            case .reflect:
                let start = Int(x.rounded(.down))
                return (reflect(start, n), reflect(start + 1, n), x - Double(start))
            case .wrap:
                if n <= 1 {
                    x = 0
                } else {
                    let sz = len - 1
                    x -= sz * Double(Int(x / sz))
                }
            }
        }
        guard x > -1 else { return nil }
        let start = Int(x.rounded(.down))
        let weight = x - Double(start)
        return (mirror(start, n), mirror(start + 1, n), weight)
    }

    /// scipy's 'reflect' (grid-mirror) taps: half-sample symmetric, period 2n
    /// (d c b a | a b c d | d c b a). scipy ≥ 1.6 interpolates continuously across the edge.
    @inline(__always)
    static func reflect(_ index: Int, _ n: Int) -> Int {
        let period = 2 * n
        var i = index % period
        if i < 0 { i += period }
        return i < n ? i : period - 1 - i
    }

    /// scipy's edge index mapping for spline taps (mirror about the edge samples).
    @inline(__always)
    static func mirror(_ index: Int, _ n: Int) -> Int {
        if n <= 1 { return 0 }
        var i = index
        let s2 = 2 * n - 2
        if i < 0 {
            i = s2 * (-i / s2) + i
            i = i <= 1 - n ? i + s2 : -i
        } else if i >= n {
            i -= s2 * (i / s2)
            if i >= n { i = s2 - i }
        }
        return i
    }
}

// MARK: - Builder

/// One piece of an `Augmentation { … }` block.
public protocol AugmentationStep: Sendable {
    func configure(_ augmentation: inout Augmentation)
}

@resultBuilder
public enum AugmentationBuilder {
    public static func buildExpression(_ step: any AugmentationStep) -> [any AugmentationStep] {
        [step]
    }
    public static func buildBlock(_ parts: [any AugmentationStep]...) -> [any AugmentationStep] {
        parts.flatMap { $0 }
    }
    public static func buildOptional(_ part: [any AugmentationStep]?) -> [any AugmentationStep] {
        part ?? []
    }
    public static func buildEither(first: [any AugmentationStep]) -> [any AugmentationStep] {
        first
    }
    public static func buildEither(second: [any AugmentationStep]) -> [any AugmentationStep] {
        second
    }
    public static func buildArray(_ parts: [[any AugmentationStep]]) -> [any AugmentationStep] {
        parts.flatMap { $0 }
    }
}

extension Augmentation {
    public init(@AugmentationBuilder _ steps: () -> [any AugmentationStep]) {
        self.init()
        for step in steps() { step.configure(&self) }
    }
}

public struct Rotation: AugmentationStep {
    let degrees: Double
    public init(degrees: Double) { self.degrees = degrees }
    public func configure(_ a: inout Augmentation) { a.rotation = degrees }
}

public struct Shift: AugmentationStep {
    let width: Double, height: Double
    public init(width: Double, height: Double) { self.width = width; self.height = height }
    public func configure(_ a: inout Augmentation) { a.widthShift = width; a.heightShift = height }
}

public struct Shear: AugmentationStep {
    let degrees: Double
    public init(degrees: Double) { self.degrees = degrees }
    public func configure(_ a: inout Augmentation) { a.shear = degrees }
}

public struct Zoom: AugmentationStep {
    let range: ClosedRange<Double>
    /// Keras `zoom_range=z`: factors in [1 − z, 1 + z].
    public init(_ z: Double) { range = (1 - z)...(1 + z) }
    public init(_ range: ClosedRange<Double>) { self.range = range }
    public func configure(_ a: inout Augmentation) { a.zoom = range }
}

public struct HorizontalFlip: AugmentationStep {
    public init() {}
    public func configure(_ a: inout Augmentation) { a.horizontalFlip = true }
}

public struct VerticalFlip: AugmentationStep {
    public init() {}
    public func configure(_ a: inout Augmentation) { a.verticalFlip = true }
}

public struct Fill: AugmentationStep {
    let mode: Augmentation.FillMode, value: Float
    public init(_ mode: Augmentation.FillMode, value: Float = 0) {
        self.mode = mode; self.value = value
    }
    public func configure(_ a: inout Augmentation) { a.fillMode = mode; a.constant = value }
}

public struct Brightness: AugmentationStep {
    let range: ClosedRange<Double>
    public init(_ range: ClosedRange<Double>) { self.range = range }
    public func configure(_ a: inout Augmentation) { a.brightness = range }
}

public struct RandomErasing: AugmentationStep {
    let erasing: Augmentation.Erasing
    public init(
        probability: Double = 0.5, area: ClosedRange<Double> = 0.02...0.25,
        aspect: ClosedRange<Double> = 0.3...3.3, value: Float? = nil
    ) {
        erasing = .init(probability: probability, area: area, aspect: aspect, value: value)
    }
    public func configure(_ a: inout Augmentation) { a.erasing = erasing }
}

extension Augmentation {
    /// A preview strip: the original image, then `count` augmented versions (seeded), side by
    /// side with `gap` white pixels, each scaled by `zoom` (nearest).
    public func preview(
        of image: Image, count: Int = 7, seed: UInt64 = 0, zoom: Int = 2, gap: Int = 2
    ) -> Image {
        var rng = SplitMix64(seed: seed, stream: 0x5052_4556)  // "PREV"
        let cells = [image] + (0..<count).map { _ in apply(image, using: &rng) }
        let h = image.height * zoom, w = image.width * zoom
        var strip = Image(
            height: h + 2 * gap, width: cells.count * (w + gap) + gap, channels: image.channels,
            filledWith: 255)
        for (k, cell) in cells.enumerated() {
            let big = cell.resized(height: h, width: w, method: .nearest)
            for y in 0..<h {
                for x in 0..<w {
                    for c in 0..<image.channels {
                        strip[gap + y, gap + k * (w + gap) + x, c] = big[y, x, c]
                    }
                }
            }
        }
        return strip
    }
}
