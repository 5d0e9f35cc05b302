import Preconditions

/// Images in rows and columns with captions under each, e.g. sample faces per class,
/// augmentation previews, misclassified examples, Grad-CAM overlays.
public struct ImageGrid: Codable, Sendable, Hashable {
    public var images: [GridImage]
    public var columns: Int
    /// Optional label left of each row (e.g. the class of a row of samples).
    public var rowLabels: [String]?
    /// A colour scale under the grid saying what the heat overlays' colours mean.
    public var colorBar: GridColorBar?

    public init(
        images: [GridImage], columns: Int, rowLabels: [String]? = nil, colorBar: GridColorBar? = nil
    ) {
        self.images = images
        self.columns = max(1, columns)
        self.rowLabels = rowLabels
        self.colorBar = colorBar
    }
}

/// The colour scale of an image grid's heat overlays, drawn under the grid:
/// `label  low ▕████▏ high`.
///
///     Figure.imageGrid(columns: 6, images: maps,
///                      colorBar: GridColorBar(low: "least", high: "most", label: "Grad-CAM evidence"))
public struct GridColorBar: Codable, Sendable, Hashable {
    public var colormap: Colormap
    /// Words at the two ends of the scale.
    public var low: String
    public var high: String
    /// What the colours measure, left of the scale.
    public var label: String?

    public init(
        colormap: Colormap = .inferno, low: String = "low", high: String = "high",
        label: String? = nil
    ) {
        self.colormap = colormap
        self.low = low
        self.high = high
        self.label = label
    }
}

/// Pixels of one image (grayscale or RGB, 8 bits per channel, rows top to bottom),
/// with caption lines and an optional heat overlay. Pixels encode as base64 in JSON.
public struct GridImage: Codable, Sendable, Hashable {
    public var width: Int
    public var height: Int
    /// 1 (grayscale) or 3 (RGB, interleaved).
    public var channels: Int
    public var pixels: Bytes
    public var caption: [CaptionLine]
    public var overlay: HeatOverlay?

    /// An image from bytes 0–255, `width * height * channels` of them.
    public init(
        pixels: [UInt8], width: Int, height: Int, channels: Int = 1,
        caption: [CaptionLine] = [], overlay: HeatOverlay? = nil
    ) {
        check(
            channels == 1 || channels == 3,
            "GridImage channels must be 1 (gray) or 3 (RGB), got \(channels)")
        check(
            pixels.count == width * height * channels,
            "GridImage needs width*height*channels = \(width)*\(height)*\(channels) = \(width * height * channels) bytes, got \(pixels.count)"
        )
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = Bytes(pixels)
        self.caption = caption
        self.overlay = overlay
    }

    /// An image from floating-point values, in 0...1 (`scale: .unit`) or 0...255
    /// (`scale: .bytes`); values outside are clamped.
    public init<T: BinaryFloatingPoint>(
        values: [T], width: Int, height: Int, channels: Int = 1,
        scale: PixelScale = .unit, caption: [CaptionLine] = [],
        overlay: HeatOverlay? = nil
    ) {
        let factor: Double = scale == .unit ? 255 : 1
        self.init(
            pixels: values.map { quantize(Double($0) * factor) }, width: width,
            height: height, channels: channels, caption: caption, overlay: overlay)
    }

    /// An image with a one-line caption.
    public init(pixels: [UInt8], width: Int, height: Int, channels: Int = 1, caption: String) {
        self.init(
            pixels: pixels, width: width, height: height, channels: channels,
            caption: [CaptionLine(caption)])
    }

    /// This image with a heat map laid over it, e.g. Grad-CAM. `heat` is `width * height`
    /// values in 0...1 (any resolution; it is stretched over the image).
    public func overlaid<T: BinaryFloatingPoint>(
        heat: [T], width: Int, height: Int,
        alpha: Double = 0.45,
        colormap: Colormap = .inferno
    ) -> GridImage {
        var copy = self
        copy.overlay = HeatOverlay(
            heat: heat, width: width, height: height, alpha: alpha,
            colormap: colormap)
        return copy
    }

    public enum PixelScale: Sendable { case unit, bytes }

    private enum CodingKeys: String, CodingKey {
        case width, height, channels, pixels, caption, overlay
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        width = try c.decode(Int.self, forKey: .width)
        height = try c.decode(Int.self, forKey: .height)
        channels = try c.decode(Int.self, forKey: .channels)
        pixels = try c.decode(Bytes.self, forKey: .pixels)
        caption = try c.decodeIfPresent([CaptionLine].self, forKey: .caption) ?? []
        overlay = try c.decodeIfPresent(HeatOverlay.self, forKey: .overlay)
        guard width > 0, height > 0, channels == 1 || channels == 3,
            pixels.bytes.count == width * height * channels
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .pixels, in: c,
                debugDescription:
                    "image of \(width)x\(height)x\(channels) needs \(max(0, width * height * channels)) bytes, got \(pixels.bytes.count)"
            )
        }
    }
}

/// One line under an image; `tone` colours it (e.g. a wrong prediction in vermillion).
public struct CaptionLine: Codable, Sendable, Hashable, ExpressibleByStringLiteral {
    public var text: String
    public var tone: Tone

    public init(_ text: String, tone: Tone = .plain) {
        self.text = text
        self.tone = tone
    }

    public init(stringLiteral value: String) { self.init(value) }

    public enum Tone: String, Codable, Sendable, Hashable {
        case plain, muted, correct, wrong
    }
}

/// A heat map over an image: values 0...1 (stored as bytes), coloured by a colormap
/// and blended with `alpha`.
public struct HeatOverlay: Codable, Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var values: Bytes
    public var alpha: Double
    public var colormap: Colormap

    public init<T: BinaryFloatingPoint>(
        heat: [T], width: Int, height: Int, alpha: Double = 0.45,
        colormap: Colormap = .inferno
    ) {
        check(
            heat.count == width * height,
            "HeatOverlay needs width*height = \(width * height) values, got \(heat.count)")
        self.width = width
        self.height = height
        self.values = Bytes(heat.map { quantize(Double($0) * 255) })
        self.alpha = alpha
        self.colormap = colormap
    }

    private enum CodingKeys: String, CodingKey { case width, height, values, alpha, colormap }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        width = try c.decode(Int.self, forKey: .width)
        height = try c.decode(Int.self, forKey: .height)
        values = try c.decode(Bytes.self, forKey: .values)
        alpha = try c.decode(Double.self, forKey: .alpha)
        colormap = try c.decode(Colormap.self, forKey: .colormap)
        guard width > 0, height > 0, values.bytes.count == width * height else {
            throw DecodingError.dataCorruptedError(
                forKey: .values, in: c,
                debugDescription:
                    "overlay of \(width)x\(height) needs \(max(0, width * height)) values, got \(values.bytes.count)"
            )
        }
    }
}

/// Bytes that encode as one base64 string in JSON (48x48 pixels: 3 KB, not 10 KB of numbers).
public struct Bytes: Codable, Sendable, Hashable {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let bytes = Base64.decode(text) else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "pixels are not valid base64")
        }
        self.bytes = bytes
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Base64.encode(bytes))
    }
}

func quantize(_ v: Double) -> UInt8 {
    guard v.isFinite else { return 0 }
    return UInt8(min(255, max(0, v.rounded())))
}
