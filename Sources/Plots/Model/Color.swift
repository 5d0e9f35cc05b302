import Foundation

/// An sRGB colour with alpha, components in 0...1. Encodes as `"#rrggbb"` or `"#rrggbbaa"`.
public struct Color: Sendable, Hashable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// `Color(hex: 0x0072B2)`.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(
            red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
            blue: Double(hex & 0xFF) / 255, alpha: alpha)
    }

    public func withAlpha(_ alpha: Double) -> Color {
        Color(red: red, green: green, blue: blue, alpha: alpha)
    }

    /// Mix with `other`: 0 gives self, 1 gives other.
    public func mixed(with other: Color, _ t: Double) -> Color {
        Color(
            red: red + (other.red - red) * t, green: green + (other.green - green) * t,
            blue: blue + (other.blue - blue) * t, alpha: alpha + (other.alpha - alpha) * t)
    }

    /// WCAG relative luminance, 0 (black) to 1 (white).
    public var luminance: Double {
        func lin(_ c: Double) -> Double { c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        return 0.2126 * lin(red) + 0.7152 * lin(green) + 0.0722 * lin(blue)
    }

    /// White or ink, whichever contrasts more with `background` (WCAG contrast ratio).
    public static func readable(on background: Color) -> Color {
        let l = background.luminance
        return (1.05 / (l + 0.05)) > ((l + 0.05) / (Color.ink.luminance + 0.05)) ? .white : .ink
    }

    /// `#rrggbb`, ignoring alpha.
    public var hexString: String {
        func h(_ c: Double) -> String {
            let v = Int((min(1, max(0, c)) * 255).rounded())
            let digits = Array("0123456789abcdef")
            return String([digits[v >> 4], digits[v & 15]])
        }
        return "#" + h(red) + h(green) + h(blue)
    }

    public static let black = Color(hex: 0x000000)
    public static let white = Color(hex: 0xFFFFFF)
    /// Body text on charts.
    public static let ink = Color(hex: 0x222222)
    /// Tick labels and secondary text.
    public static let subtleInk = Color(hex: 0x555555)
    /// Axis lines and ticks.
    public static let axis = Color(hex: 0x4D4D4D)
    /// Grid lines.
    public static let grid = Color(hex: 0xE6E6E6)

    /// Okabe & Ito's palette (2008), readable with every common colour-vision deficiency,
    /// ordered so neighbours also differ in lightness (blue, vermillion, bluish green,
    /// orange, reddish purple, sky blue, black, yellow). Lines also vary dash and symbol.
    public static let palette: [Color] = [
        Color(hex: 0x0072B2), Color(hex: 0xD55E00), Color(hex: 0x009E73), Color(hex: 0xE69F00),
        Color(hex: 0xCC79A7), Color(hex: 0x56B4E9), Color(hex: 0x000000), Color(hex: 0xF0E442),
    ]

    /// The palette colour for position `i` (wrapping).
    public static func palette(_ i: Int) -> Color {
        palette[((i % palette.count) + palette.count) % palette.count]
    }

    /// Caption tone for a correct prediction (bluish green) and a wrong one (vermillion).
    public static let correct = Color(hex: 0x00795A)
    public static let wrong = Color(hex: 0xC14F00)
}

extension Color: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        let digits = text.hasPrefix("#") ? String(text.dropFirst()) : text
        guard digits.count == 6 || digits.count == 8, let v = UInt64(digits, radix: 16) else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "colour '\(text)' is not #rrggbb or #rrggbbaa")
        }
        if digits.count == 6 {
            self.init(hex: UInt32(v))
        } else {
            self.init(hex: UInt32(v >> 8), alpha: Double(v & 0xFF) / 255)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if alpha >= 1 {
            try c.encode(hexString)
        } else {
            let a = Int((max(0, alpha) * 255).rounded())
            let digits = Array("0123456789abcdef")
            try c.encode(hexString + String([digits[a >> 4], digits[a & 15]]))
        }
    }
}

/// A sequential colour scale for heat maps, from low (0) to high (1).
public enum Colormap: String, Codable, Sendable, Hashable, CaseIterable {
    /// White to dark blue (ColorBrewer Blues): confusion matrices; reads in grey.
    case blues
    /// Dark purple to yellow (viridis): perceptually uniform, colour-blind safe.
    case viridis
    /// Black to pale yellow (inferno): heat overlays such as Grad-CAM.
    case inferno
    /// White to black.
    case greys

    /// The map from 0 to 1 as a strip of `steps` pixels, left to right (`vertical`: bottom
    /// to top), for colour bars.
    func gradient(steps: Int = 128, vertical: Bool = false) -> RGBAImage {
        var rgba: [UInt8] = []
        rgba.reserveCapacity(steps * 4)
        for i in 0..<steps {
            let t = Double(i) / Double(steps - 1)
            let c = color(at: vertical ? 1 - t : t)
            rgba += [quantize(c.red * 255), quantize(c.green * 255), quantize(c.blue * 255), 255]
        }
        return RGBAImage(width: vertical ? 1 : steps, height: vertical ? steps : 1, rgba: rgba)
    }

    public func color(at t: Double) -> Color {
        let stops = self.stops
        let x = (t.isFinite ? min(1, max(0, t)) : 0) * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2)
        return Color(hex: stops[i]).mixed(with: Color(hex: stops[i + 1]), x - Double(i))
    }

    private var stops: [UInt32] {
        switch self {
        case .blues:
            [
                0xF7FBFF, 0xDEEBF7, 0xC6DBEF, 0x9ECAE1, 0x6BAED6, 0x4292C6, 0x2171B5, 0x08519C,
                0x08306B,
            ]
        case .viridis:
            [
                0x440154, 0x482878, 0x3E4989, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6DCD59,
                0xB4DE2C, 0xFDE725,
            ]
        case .inferno:
            [
                0x000004, 0x1B0C41, 0x4A0C6B, 0x781C6D, 0xA52C60, 0xCF4446, 0xED6925, 0xFB9B06,
                0xF7D13D, 0xFCFFA4,
            ]
        case .greys:
            [0xFFFFFF, 0x000000]
        }
    }
}
