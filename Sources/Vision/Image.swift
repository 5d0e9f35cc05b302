import Preconditions

// Image: 8-bit pixels, row-major HxWxC, the value every decoder, loader and generator trades in.

/// An 8-bit image stored row-major as height x width x channels (HWC, channels last).
///
/// Channels are 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA). Example:
/// ```swift
/// let face = try Image.decode(contentsOf: url)   // any PNG or JPEG
/// let gray = face.grayscale()                     // 1 channel, ITU-R 601-2 luma
/// let small = gray.resized(height: 48, width: 48, method: .area)
/// ```
public struct Image: Sendable, Equatable, Hashable {
    public let height: Int
    public let width: Int
    public let channels: Int
    /// height * width * channels samples, row by row.
    public var pixels: [UInt8]

    public init(height: Int, width: Int, channels: Int, pixels: [UInt8]) {
        check(height >= 0 && width >= 0, "Image size must be non-negative, got \(height)x\(width)")
        check((1...4).contains(channels), "Image channels must be 1...4, got \(channels)")
        check(
            pixels.count == height * width * channels,
            "Image \(height)x\(width)x\(channels) needs \(height * width * channels) samples, got \(pixels.count)"
        )
        self.height = height
        self.width = width
        self.channels = channels
        self.pixels = pixels
    }

    /// A uniform image.
    public init(height: Int, width: Int, channels: Int = 1, filledWith value: UInt8 = 0) {
        self.init(
            height: height, width: width, channels: channels,
            pixels: [UInt8](repeating: value, count: height * width * channels))
    }

    /// The sample at row `y`, column `x`, channel `c`.
    public subscript(y: Int, x: Int, c: Int = 0) -> UInt8 {
        get { pixels[(y * width + x) * channels + c] }
        set { pixels[(y * width + x) * channels + c] = newValue }
    }

    public var hasAlpha: Bool { channels == 2 || channels == 4 }

    /// One luminance channel. RGB uses Pillow's `convert("L")` formula,
    /// L = (R*299 + G*587 + B*114) / 1000 rounded as Pillow does (fixed point, +0.5);
    /// alpha is dropped, not composited.
    public func grayscale() -> Image {
        switch channels {
        case 1: return self
        case 2:
            return Image(
                height: height, width: width, channels: 1,
                pixels: stride(from: 0, to: pixels.count, by: 2).map { pixels[$0] })
        default:
            var out = [UInt8](repeating: 0, count: height * width)
            pixels.withUnsafeBufferPointer { p in
                for i in 0..<(height * width) {
                    let r = Int(p[i * channels]), g = Int(p[i * channels + 1]),
                        b = Int(p[i * channels + 2])
                    // Pillow: L24(rgb) = r*19595 + g*38470 + b*7471 + 0x8000, >> 16.
                    out[i] = UInt8((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16)
                }
            }
            return Image(height: height, width: width, channels: 1, pixels: out)
        }
    }

    /// Three channels: gray replicated (as Keras `load_img(color_mode="rgb")`), alpha dropped.
    public func rgb() -> Image {
        switch channels {
        case 3: return self
        case 1, 2:
            var out = [UInt8](repeating: 0, count: height * width * 3)
            for i in 0..<(height * width) {
                let v = pixels[i * channels]
                out[i * 3] = v; out[i * 3 + 1] = v; out[i * 3 + 2] = v
            }
            return Image(height: height, width: width, channels: 3, pixels: out)
        default:
            var out = [UInt8](repeating: 0, count: height * width * 3)
            for i in 0..<(height * width) {
                out[i * 3] = pixels[i * 4]; out[i * 3 + 1] = pixels[i * 4 + 1];
                out[i * 3 + 2] = pixels[i * 4 + 2]
            }
            return Image(height: height, width: width, channels: 3, pixels: out)
        }
    }

    /// The image with `channels` channels (1 gray or 3 RGB).
    public func converted(toChannels target: Int) -> Image {
        check(target == 1 || target == 3, "converted(toChannels:) supports 1 or 3, got \(target)")
        return target == 1 ? grayscale() : rgb()
    }
}
