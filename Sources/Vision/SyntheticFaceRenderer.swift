// Draws one synthetic face with Cairo: identity, pose, expression, occlusion; then lighting,
// blur and noise in Swift. Everything random comes from the SplitMix64 passed in, so a face
// is a pure function of its seed.
import Foundation
internal import _CCairo

/// The expression of a face: what the muscles do, in face units, independent of identity.
struct Expression {
    /// Brow height above the eye: -1 lowered (anger) … +1 raised (surprise).
    var browRaise: Double
    /// Inner brow ends: + pulled down and together (anger), - raised (sadness, fear).
    var browTilt: Double
    /// Eye opening relative to a relaxed eye: 0.4 narrowed … 1.6 wide.
    var eyeOpen: Double
    /// Mouth corners: +1 up (smile) … -1 down (frown).
    var mouthCurve: Double
    /// Jaw drop: 0 closed … 1 wide open.
    var mouthOpen: Double
    /// Mouth width relative to relaxed: 0.7 pursed … 1.35 stretched.
    var mouthWidth: Double
    /// Nose wrinkle and raised upper lip (disgust): 0 … 1.
    var wrinkle: Double
    /// One-sided raise of a mouth corner (contempt/disgust): -1 … 1.
    var asymmetry: Double

    static func mix(_ a: Expression, _ b: Expression, _ t: Double) -> Expression {
        func m(_ x: Double, _ y: Double) -> Double { x + (y - x) * t }
        return Expression(
            browRaise: m(a.browRaise, b.browRaise), browTilt: m(a.browTilt, b.browTilt),
            eyeOpen: m(a.eyeOpen, b.eyeOpen), mouthCurve: m(a.mouthCurve, b.mouthCurve),
            mouthOpen: m(a.mouthOpen, b.mouthOpen), mouthWidth: m(a.mouthWidth, b.mouthWidth),
            wrinkle: m(a.wrinkle, b.wrinkle), asymmetry: m(a.asymmetry, b.asymmetry))
    }
}

/// Parameter ranges per emotion (folder order). Pairs that people confuse share ranges:
/// fear and surprise both raise brows, widen eyes and open the mouth (fear stretches it
/// wider and lifts the inner brows); sad and neutral differ only by slight brow and corner
/// changes; angry and disgust both lower the brows (disgust adds a nose wrinkle and a raised,
/// asymmetric lip).
struct ExpressionRanges {
    var browRaise: ClosedRange<Double>
    var browTilt: ClosedRange<Double>
    var eyeOpen: ClosedRange<Double>
    var mouthCurve: ClosedRange<Double>
    var mouthOpen: ClosedRange<Double>
    var mouthWidth: ClosedRange<Double>
    var wrinkle: ClosedRange<Double>
    var asymmetry: ClosedRange<Double>

    func draw(_ rng: inout SplitMix64) -> Expression {
        Expression(
            browRaise: rng.uniform(browRaise), browTilt: rng.uniform(browTilt),
            eyeOpen: rng.uniform(eyeOpen), mouthCurve: rng.uniform(mouthCurve),
            mouthOpen: rng.uniform(mouthOpen), mouthWidth: rng.uniform(mouthWidth),
            wrinkle: rng.uniform(wrinkle), asymmetry: rng.uniform(asymmetry))
    }

    /// angry, disgust, fear, happy, neutral, sad, surprise.
    static let byEmotion: [ExpressionRanges] = [
        // angry
        .init(
            browRaise: -1.0 ... -0.2, browTilt: 0.4...1.0, eyeOpen: 0.55...0.95,
            mouthCurve: -0.5...0.05,
            mouthOpen: 0...0.35, mouthWidth: 0.8...1.05, wrinkle: 0...0.45, asymmetry: -0.2...0.2),
        // disgust
        .init(
            browRaise: -0.7...0.0, browTilt: 0.2...0.8, eyeOpen: 0.5...0.85, mouthCurve: -0.7...0.0,
            mouthOpen: 0...0.3, mouthWidth: 0.85...1.15, wrinkle: 0.35...1.0, asymmetry: 0.2...0.9),
        // fear
        .init(
            browRaise: 0.35...1.0, browTilt: -0.9 ... -0.2, eyeOpen: 1.05...1.5,
            mouthCurve: -0.45...0.05,
            mouthOpen: 0.25...0.75, mouthWidth: 1.0...1.3, wrinkle: 0...0.2, asymmetry: -0.2...0.2),
        // happy
        .init(
            browRaise: -0.1...0.35, browTilt: -0.2...0.15, eyeOpen: 0.55...0.95,
            mouthCurve: 0.4...1.0,
            mouthOpen: 0...0.55, mouthWidth: 1.05...1.35, wrinkle: 0...0.15, asymmetry: -0.2...0.2),
        // neutral
        .init(
            browRaise: -0.15...0.2, browTilt: -0.25...0.25, eyeOpen: 0.8...1.05,
            mouthCurve: -0.2...0.15,
            mouthOpen: 0...0.1, mouthWidth: 0.9...1.05, wrinkle: 0...0.1, asymmetry: -0.15...0.15),
        // sad
        .init(
            browRaise: -0.05...0.4, browTilt: -0.9 ... -0.15, eyeOpen: 0.6...0.95,
            mouthCurve: -0.75 ... -0.05,
            mouthOpen: 0...0.12, mouthWidth: 0.85...1.02, wrinkle: 0...0.2, asymmetry: -0.2...0.2),
        // surprise
        .init(
            browRaise: 0.55...1.0, browTilt: -0.35...0.15, eyeOpen: 1.15...1.6,
            mouthCurve: -0.15...0.2,
            mouthOpen: 0.45...1.0, mouthWidth: 0.72...0.98, wrinkle: 0...0.1,
            asymmetry: -0.15...0.15),
    ]
}

/// Renders faces into a reusable Cairo surface. Not shared between threads.
final class SyntheticFaceRenderer {
    let size: Int
    private let surface: OpaquePointer
    private let cr: OpaquePointer
    private var work: [Double]
    private var scratch: [Double]

    init(size: Int) {
        self.size = size
        surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(size), Int32(size))
        cr = cairo_create(surface)
        work = [Double](repeating: 0, count: size * size)
        scratch = work
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    /// Draws a face showing `emotion` (folder order) into `out` (size*size gray samples).
    func render(
        emotion: Int, rng: inout SplitMix64, difficulty: Double,
        into out: UnsafeMutableBufferPointer<UInt8>
    ) {
        let s = Double(size) / 48  // all geometry below is in 48-pixel units
        let cr = self.cr
        cairo_identity_matrix(cr)
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT)

        // Background: a gray level with a soft gradient (a wall, a room).
        let bg0 = rng.uniform(25, 225), bg1 = min(250, max(5, bg0 + rng.uniform(-60, 60)))
        let gradient = cairo_pattern_create_linear(0, 0, rng.uniform(-20, 20) * s, Double(size))
        cairo_pattern_add_color_stop_rgb(gradient, 0, bg0 / 255, bg0 / 255, bg0 / 255)
        cairo_pattern_add_color_stop_rgb(gradient, 1, bg1 / 255, bg1 / 255, bg1 / 255)
        cairo_set_source(cr, gradient)
        cairo_paint(cr)
        cairo_pattern_destroy(gradient)

        // Identity.
        let skin = rng.uniform(85, 225)
        let hairTone = rng.chance(0.7) ? rng.uniform(10, 70) : rng.uniform(120, 210)
        let faceW = rng.uniform(12.5, 16.5), faceH = rng.uniform(15.5, 19.5)
        let hairStyle = rng.index(below: 4)  // 0 short, 1 long, 2 bald-ish, 3 fringe
        let hairDepth = rng.uniform(0.25, 0.6)
        let eyeSpacing = rng.uniform(0.36, 0.46), eyeLevel = rng.uniform(-0.2, -0.02)
        let eyeSize = rng.uniform(2.6, 3.6), browWeight = rng.uniform(1.1, 2.1)
        let mouthLevel = rng.uniform(0.45, 0.58), lipWeight = rng.uniform(1.0, 1.7)
        let browTone = max(0, min(hairTone, skin - 60) - rng.uniform(0, 20))

        // Pose, stronger with difficulty.
        let angle = rng.uniform(-14, 14) * difficulty * Double.pi / 180
        let dx = rng.uniform(-3, 3) * difficulty, dy = rng.uniform(-3, 3) * difficulty
        let zoom = rng.uniform(1 - 0.12 * difficulty, 1 + 0.1 * difficulty)
        let yaw = rng.uniform(-0.12, 0.12) * difficulty  // horizontal squash of the features

        // The expression: this emotion's draw, blended with a neutral face by intensity.
        var expression = ExpressionRanges.byEmotion[emotion].draw(&rng)
        let neutral = ExpressionRanges.byEmotion[4].draw(&rng)
        let intensity = rng.uniform(1 - 0.6 * difficulty, 1.0)
        if emotion != 4 { expression = Expression.mix(neutral, expression, intensity) }

        cairo_save(cr)
        cairo_scale(cr, s, s)
        cairo_translate(cr, 24 + dx, 26 + dy)
        cairo_rotate(cr, angle)
        cairo_scale(cr, 1.3 * zoom, 1.3 * zoom)  // FER crops are tight around the face

        func gray(_ v: Double) {
            let g = max(0, min(255, v)) / 255; cairo_set_source_rgb(cr, g, g, g)
        }
        func ellipse(_ x: Double, _ y: Double, _ rx: Double, _ ry: Double) {
            cairo_save(cr)
            cairo_translate(cr, x, y)
            cairo_scale(cr, max(rx, 0.01), max(ry, 0.01))
            cairo_new_sub_path(cr)
            cairo_arc(cr, 0, 0, 1, 0, 2 * Double.pi)
            cairo_restore(cr)
        }

        // Hair behind the head, neck and ears.
        gray(skin * 0.85)
        cairo_rectangle(cr, -faceW * 0.45, faceH * 0.6, faceW * 0.9, 20)
        cairo_fill(cr)
        if hairStyle == 1 {
            gray(hairTone)
            ellipse(0, -faceH * 0.1, faceW * 1.3, faceH * 1.15)
            cairo_rectangle(cr, -faceW * 1.3, -faceH * 0.1, faceW * 2.6, faceH * 1.3)
            cairo_fill(cr)
        }
        gray(skin * 0.93)
        ellipse(-faceW * 0.98, 0, 2.4, 4); ellipse(faceW * 0.98, 0, 2.4, 4)
        cairo_fill(cr)
        // Face.
        gray(skin)
        ellipse(0, 0, faceW, faceH)
        cairo_fill(cr)
        // Hair on top.
        if hairStyle != 2 {
            gray(hairTone)
            cairo_save(cr)
            ellipse(0, 0, faceW * 1.06, faceH * 1.06)
            cairo_clip(cr)
            let depth = hairStyle == 3 ? hairDepth + 0.2 : hairDepth
            ellipse(0, -faceH * 1.02, faceW * 1.3, faceH * (0.35 + depth))
            cairo_fill(cr)
            cairo_restore(cr)
            ellipse(0, -faceH * 0.92, faceW * 0.95, faceH * 0.22)
            cairo_fill(cr)
        }

        // Eyes.
        let eyeX = faceW * eyeSpacing, eyeY = faceH * eyeLevel
        let eyeH = max(0.35, eyeSize * 0.55 * expression.eyeOpen)
        let eyeW = eyeSize * (1 + yaw)
        for side in [-1.0, 1.0] {
            gray(min(250, skin + rng.uniform(25, 60)))
            ellipse(side * eyeX, eyeY, eyeW, eyeH)
            cairo_fill(cr)
            gray(rng.uniform(10, 50))
            let pupil = min(eyeH, eyeSize * 0.5)
            ellipse(side * eyeX + rng.uniform(-0.6, 0.6), eyeY, pupil, pupil)
            cairo_fill(cr)
            // Upper lid line.
            gray(skin * 0.55)
            cairo_set_line_width(cr, 0.8)
            cairo_move_to(cr, side * eyeX - eyeW, eyeY)
            cairo_curve_to(
                cr, side * eyeX - eyeW * 0.5, eyeY - eyeH * 1.35, side * eyeX + eyeW * 0.5,
                eyeY - eyeH * 1.35, side * eyeX + eyeW, eyeY)
            cairo_stroke(cr)
        }

        // Brows: inner end at the nose side, outer end at the temple.
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        cairo_set_line_width(cr, browWeight)
        gray(browTone)
        let browGap = 2.2 + 2.2 * expression.browRaise
        for side in [-1.0, 1.0] {
            let innerX = side * (eyeX - eyeW * 0.9) + side * -0.6 * max(0, expression.browTilt)
            let outerX = side * (eyeX + eyeW * 1.25)
            let base = eyeY - eyeH - browGap
            let innerY = base + 2.4 * expression.browTilt
            let outerY = base - 0.6 * expression.browTilt + 0.4
            cairo_move_to(cr, innerX, innerY)
            cairo_curve_to(
                cr, innerX + side * eyeW * 0.7,
                min(innerY, outerY) - 1.2 + 0.9 * max(0, expression.browTilt),
                outerX - side * eyeW * 0.5, outerY - 0.8, outerX, outerY)
            cairo_stroke(cr)
        }

        // Nose, and the wrinkles of disgust.
        gray(skin * 0.7)
        cairo_set_line_width(cr, 0.9)
        let noseY = faceH * 0.25
        ellipse(-1.6, noseY, 0.9, 0.6); ellipse(1.6, noseY, 0.9, 0.6)
        cairo_fill(cr)
        if expression.wrinkle > 0.25 {
            gray(skin * (0.9 - 0.35 * expression.wrinkle))
            cairo_set_line_width(cr, 0.6 + 0.6 * expression.wrinkle)
            for side in [-1.0, 1.0] {
                cairo_move_to(cr, side * 1.2, eyeY + 1.5)
                cairo_line_to(cr, side * 2.8, eyeY + 2.5 + 2 * expression.wrinkle)
                cairo_move_to(cr, side * 2.6, noseY - 1)
                cairo_line_to(cr, side * (3.5 + 1.5 * expression.wrinkle), noseY + 1.5)
            }
            cairo_stroke(cr)
        }

        // Mouth: corners, a curved upper and lower lip; open mouths are filled dark.
        let mouthY = faceH * mouthLevel - 1.2 * expression.wrinkle
        let halfWidth = faceW * 0.3 * expression.mouthWidth * (1 + yaw)
        let curve = 2.6 * expression.mouthCurve
        let open = 5.5 * expression.mouthOpen
        let leftY = mouthY - curve - 1.2 * expression.asymmetry
        let rightY = mouthY - curve + 0.2 * expression.asymmetry
        let lipTone = skin * rng.uniform(0.45, 0.7)
        if open > 1.0 {
            gray(rng.uniform(15, 45))
            cairo_move_to(cr, -halfWidth, leftY)
            cairo_curve_to(
                cr, -halfWidth * 0.5, mouthY + curve - open * 0.35, halfWidth * 0.5,
                mouthY + curve - open * 0.35, halfWidth, rightY)
            cairo_curve_to(
                cr, halfWidth * 0.5, mouthY + curve + open, -halfWidth * 0.5,
                mouthY + curve + open, -halfWidth, leftY)
            cairo_close_path(cr)
            cairo_fill_preserve(cr)
            gray(lipTone)
            cairo_set_line_width(cr, lipWeight * 0.8)
            cairo_stroke(cr)
            if expression.mouthCurve > 0.4 {  // teeth of a broad smile
                gray(min(245, skin + 40))
                cairo_rectangle(
                    cr, -halfWidth * 0.55, mouthY + curve - open * 0.3, halfWidth * 1.1,
                    min(open * 0.35, 2.2))
                cairo_fill(cr)
            }
        } else {
            gray(lipTone)
            cairo_set_line_width(cr, lipWeight + open * 0.5)
            cairo_move_to(cr, -halfWidth, leftY)
            cairo_curve_to(
                cr, -halfWidth * 0.4, mouthY + curve, halfWidth * 0.4, mouthY + curve, halfWidth,
                rightY)
            cairo_stroke(cr)
        }
        cairo_restore(cr)

        // Occlusion: a hand, a bar of shadow or an object over part of the face.
        if rng.chance(0.1 + 0.15 * difficulty) {
            gray(rng.chance(0.5) ? skin * rng.uniform(0.8, 1.1) : rng.uniform(0, 255))
            let w = rng.uniform(10, 22), h = rng.uniform(8, 18)
            let x = rng.uniform(0, 48 - w), y = rng.uniform(4, 48 - h)
            cairo_save(cr)
            cairo_scale(cr, s, s)
            if rng.chance(0.5) {
                ellipse(x + w / 2, y + h / 2, w / 2, h / 2)
            } else {
                cairo_rectangle(cr, x, y, w, h)
            }
            cairo_fill(cr)
            cairo_restore(cr)
        }

        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        for y in 0..<size {
            // blue byte = gray
            for x in 0..<size { work[y * size + x] = Double(data[y * stride + 4 * x]) }
        }

        // Lighting: a directional gain across the image.
        let lightAngle = rng.uniform(0, 2 * Double.pi),
            lightStrength = rng.uniform(0, 0.45) * difficulty
        let lx = cos(lightAngle), ly = sin(lightAngle), centre = Double(size - 1) / 2
        let contrast = rng.uniform(1 - 0.25 * difficulty, 1 + 0.2 * difficulty)
        let mean = work.reduce(0, +) / Double(work.count)
        for y in 0..<size {
            for x in 0..<size {
                let t = (lx * (Double(x) - centre) + ly * (Double(y) - centre)) / Double(size)
                let v = mean + (work[y * size + x] - mean) * contrast
                work[y * size + x] = v * (1 + lightStrength * 2 * t)
            }
        }
        // Blur: separable Gaussian, sigma up to ~1.2 pixels.
        let sigma = rng.uniform(0.2, 0.3 + 0.9 * difficulty) * s
        gaussianBlur(sigma: sigma)
        // Sensor noise and quantisation.
        let noise = rng.uniform(1, 2 + 9 * difficulty)
        for i in 0..<(size * size) {
            let v = work[i] + noise * rng.normal()
            out[i] = UInt8(max(0, min(255, v.rounded())))
        }
    }

    private func gaussianBlur(sigma: Double) {
        guard sigma > 0.25 else { return }
        let radius = Int((sigma * 2.5).rounded(.up))
        var kernel = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        let n = size
        for y in 0..<n {
            for x in 0..<n {
                var acc = 0.0
                for k in -radius...radius {
                    let xx = min(n - 1, max(0, x + k))
                    acc += kernel[k + radius] * work[y * n + xx]
                }
                scratch[y * n + x] = acc
            }
        }
        for y in 0..<n {
            for x in 0..<n {
                var acc = 0.0
                for k in -radius...radius {
                    let yy = min(n - 1, max(0, y + k))
                    acc += kernel[k + radius] * scratch[yy * n + x]
                }
                work[y * n + x] = acc
            }
        }
    }
}
