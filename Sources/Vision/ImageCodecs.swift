// PNG and JPEG decoding (libpng, libjpeg-turbo through _CImageCodecs) and PNG encoding
// (libpng's simplified write API, which reports errors without longjmp).
import Foundation
internal import _CImageCodecs
internal import _CPNG

/// Why an image could not be read or written. Every case names the file when there is one.
public enum ImageError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case unknownFormat(path: String)
    case corrupt(path: String, reason: String)
    case tooLarge(path: String, width: Int, height: Int, limit: Int)
    case encodeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read file (\(reason))"
        case let .unknownFormat(path):
            return
                "\(path): not a PNG or JPEG image (unrecognised signature); remove it or convert it"
        case let .corrupt(path, reason): return "\(path): corrupt or truncated image: \(reason)"
        case let .tooLarge(path, width, height, limit):
            return
                "\(path): image header claims \(width)x\(height) pixels, more than the limit of \(limit); refusing to decode (raise ImageDecoding.maxPixels if the file is genuine)"
        case let .encodeFailed(path, reason): return "\(path): cannot write PNG: \(reason)"
        }
    }
}

/// Decoding limits and entry points.
public enum ImageDecoding {
    /// Images whose header claims more pixels than this are refused before any allocation
    /// (decompression bombs). 100 megapixels by default.
    nonisolated(unsafe) public static var maxPixels = 100_000_000

    public enum Format: String, Sendable { case png, jpeg }

    /// Width and height as the header claims them, read without libpng/libjpeg so a
    /// decompression bomb is refused before either library allocates anything.
    static func claimedSize(_ b: [UInt8], format: Format) -> (width: Int, height: Int)? {
        func be16(_ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
        func be32(_ i: Int) -> Int { be16(i) << 16 | be16(i + 2) }
        switch format {
        case .png:
            // libpng reads chunks in order and skips unknown ancillary ones before IHDR, then
            // allocates row buffers for IHDR's width while reading the header: follow the
            // same chunk lengths to the first IHDR.
            var i = 8
            while i + 16 <= b.count {
                if b[i + 4..<i + 8].elementsEqual(Array("IHDR".utf8)) {
                    return (be32(i + 8), be32(i + 12))
                }
                let length = be32(i)
                guard length <= 0x7FFF_FFFF else { return nil }  // libpng refuses such a chunk
                i += 12 + length
            }
            return nil
        case .jpeg:
            var i = 2
            while i + 9 < b.count {
                guard b[i] == 0xFF else { return nil }
                let marker = b[i + 1]
                if marker == 0xFF { i += 1; continue }
                if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 {
                    i += 2; continue
                }
                let length = be16(i + 2)
                if (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker) {
                    return (be16(i + 7), be16(i + 5))
                }
                if marker == 0xDA { return nil }
                i += 2 + length
            }
            return nil
        }
    }

    /// The format named by the first bytes, or nil.
    public static func sniff(_ data: [UInt8]) -> Format? {
        if data.count >= 8
            && data[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        {
            return .png
        }
        if data.count >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF { return .jpeg }
        return nil
    }
}

extension Image {
    /// Decodes a PNG or JPEG file (format detected from its bytes).
    public static func decode(contentsOf url: URL) throws -> Image {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ImageError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        return try decode([UInt8](data), path: url.path)
    }

    /// Decodes PNG or JPEG bytes; `path` only labels errors.
    ///
    /// PNG: 1/2/4/8/16-bit gray, gray+alpha, RGB, RGBA and palette files become 8-bit
    /// samples (palette expanded, transparency as alpha, 16-bit samples to their high byte as
    /// Pillow does for RGB). JPEG: baseline and progressive; gray stays 1 channel, YCbCr
    /// becomes RGB, CMYK becomes RGB with Pillow's formula R = (255-C)(255-K)/255.
    public static func decode(_ bytes: [UInt8], path: String = "<memory>") throws -> Image {
        guard let format = ImageDecoding.sniff(bytes) else {
            throw ImageError.unknownFormat(path: path)
        }
        try refuseBombs(bytes, format: format, path: path)
        let header = UnsafeMutablePointer<emotive_image_info>.allocate(capacity: 1)
        defer { header.deallocate() }
        let readHeader = format == .png ? emotive_png_read_header : emotive_jpeg_read_header
        let decode = format == .png ? emotive_png_decode : emotive_jpeg_decode
        let status = bytes.withUnsafeBufferPointer { readHeader($0.baseAddress, $0.count, header) }
        guard status == 0 else { throw ImageError.corrupt(path: path, reason: message(header)) }
        let info = header.pointee
        let width = Int(info.width), height = Int(info.height), channels = Int(info.channels)
        guard width > 0, height > 0 else {
            throw ImageError.corrupt(path: path, reason: "zero-sized image")
        }
        guard width.multipliedReportingOverflow(by: height).partialValue <= ImageDecoding.maxPixels,
            width <= ImageDecoding.maxPixels, height <= ImageDecoding.maxPixels
        else {
            throw ImageError.tooLarge(
                path: path, width: width, height: height, limit: ImageDecoding.maxPixels)
        }
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        let decoded = bytes.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { out in
                decode(source.baseAddress, source.count, out.baseAddress, out.count, header)
            }
        }
        guard decoded == 0 else { throw ImageError.corrupt(path: path, reason: message(header)) }
        if format == .jpeg && channels == 4 {
            return cmykToRGB(
                pixels, height: height, width: width, inverted: info.inverted_cmyk != 0)
        }
        return Image(height: height, width: width, channels: channels, pixels: pixels)
    }

    /// Refuses a header claiming more than `ImageDecoding.maxPixels` before libpng (whose
    /// header read allocates row buffers) or libjpeg runs.
    private static func refuseBombs(_ bytes: [UInt8], format: ImageDecoding.Format, path: String)
        throws
    {
        // PNG sizes are 32-bit, so the product can overflow Int: an overflow is too large too.
        if let (width, height) = ImageDecoding.claimedSize(bytes, format: format) {
            let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
            guard !overflow, pixels <= ImageDecoding.maxPixels else {
                throw ImageError.tooLarge(
                    path: path, width: width, height: height, limit: ImageDecoding.maxPixels)
            }
        }
        if format == .png { try refuseOverlongChunks(bytes, path: path) }
    }

    /// libpng allocates the length a chunk claims before reading it, so a few hundred bytes
    /// claiming a 2 GB text chunk cost seconds and gigabytes before failing as truncated.
    /// Such a file is truncated anyway: refuse it before libpng runs (found by fuzzing).
    private static func refuseOverlongChunks(_ b: [UInt8], path: String) throws {
        var i = 8
        while i + 8 <= b.count {
            let length = Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
            let type = String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self)
            let remaining = b.count - (i + 8)
            guard length + 4 <= remaining || length <= remaining && type == "IEND" else {
                throw ImageError.corrupt(
                    path: path,
                    reason:
                        "PNG chunk '\(type)' at byte \(i) claims \(length) bytes, but only \(remaining) remain"
                )
            }
            if type == "IEND" { return }
            i += 12 + length
        }
    }

    /// Width and height from the header only (no pixel allocation). Headers claiming more
    /// than `ImageDecoding.maxPixels` throw `tooLarge`.
    public static func size(of bytes: [UInt8], path: String = "<memory>") throws -> (
        height: Int, width: Int
    ) {
        guard let format = ImageDecoding.sniff(bytes) else {
            throw ImageError.unknownFormat(path: path)
        }
        try refuseBombs(bytes, format: format, path: path)
        var info = emotive_image_info()
        let status = bytes.withUnsafeBufferPointer {
            format == .png
                ? emotive_png_read_header($0.baseAddress, $0.count, &info)
                : emotive_jpeg_read_header($0.baseAddress, $0.count, &info)
        }
        guard status == 0 else { throw ImageError.corrupt(path: path, reason: message(&info)) }
        return (Int(info.height), Int(info.width))
    }

    private static func message(_ info: UnsafeMutablePointer<emotive_image_info>) -> String {
        withUnsafeBytes(of: &info.pointee.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Pillow's CMYK→RGB: R = 255 - min(255, C + K)... is the naive form; Pillow uses
    /// R = (255 - C)·(255 - K)/255 with its MULDIV255 rounding. Adobe files store CMYK
    /// inverted, so stored samples are 255 - C.
    private static func cmykToRGB(_ cmyk: [UInt8], height: Int, width: Int, inverted: Bool) -> Image
    {
        var out = [UInt8](repeating: 0, count: height * width * 3)
        @inline(__always) func muldiv255(_ a: Int, _ b: Int) -> Int {
            let t = a * b + 128
            return (t + (t >> 8)) >> 8
        }
        for i in 0..<(height * width) {
            var c = Int(cmyk[4 * i]), m = Int(cmyk[4 * i + 1]), y = Int(cmyk[4 * i + 2]),
                k = Int(cmyk[4 * i + 3])
            if inverted { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k }
            let nk = 255 - k
            out[3 * i] = UInt8(clamping: nk - muldiv255(c, nk))
            out[3 * i + 1] = UInt8(clamping: nk - muldiv255(m, nk))
            out[3 * i + 2] = UInt8(clamping: nk - muldiv255(y, nk))
        }
        return Image(height: height, width: width, channels: 3, pixels: out)
    }

    /// The image as PNG bytes (8-bit gray, gray+alpha, RGB or RGBA; default compression).
    public func pngData() throws -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = [1: 0, 2: 1, 3: 2, 4: 3][channels]!  // PNG_FORMAT_GRAY, GA, RGB, RGBA
        var size: png_alloc_size_t = 0
        let rowStride = Int32(width * channels)
        let ok = pixels.withUnsafeBytes { raw in
            png_image_write_to_memory(&image, nil, &size, 0, raw.baseAddress, rowStride, nil)
        }
        guard ok != 0 else {
            throw ImageError.encodeFailed(path: "<memory>", reason: Self.pngMessage(&image))
        }
        var out = [UInt8](repeating: 0, count: Int(size))
        let written = out.withUnsafeMutableBytes { buffer in
            pixels.withUnsafeBytes { raw in
                png_image_write_to_memory(
                    &image, buffer.baseAddress, &size, 0, raw.baseAddress, rowStride, nil)
            }
        }
        png_image_free(&image)
        guard written != 0 else {
            throw ImageError.encodeFailed(path: "<memory>", reason: Self.pngMessage(&image))
        }
        return Array(out.prefix(Int(size)))
    }

    /// The image as JPEG bytes (gray or RGB; alpha is dropped). Quality 1...100 as libjpeg.
    public func jpegData(quality: Int = 90, progressive: Bool = false) throws -> [UInt8] {
        let source = (channels == 1 || channels == 3) ? self : (channels == 2 ? grayscale() : rgb())
        var info = emotive_image_info()
        var out: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = source.pixels.withUnsafeBufferPointer {
            emotive_jpeg_encode(
                $0.baseAddress, Int32(width), Int32(height), Int32(source.channels),
                Int32(max(1, min(100, quality))), progressive ? 1 : 0, &out, &size, &info)
        }
        guard status == 0, let out else {
            throw ImageError.encodeFailed(path: "<memory>", reason: Self.message(&info))
        }
        defer { free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(size)))
    }

    /// Writes the image as a PNG file (atomically).
    public func writePNG(to url: URL) throws {
        let bytes: [UInt8]
        do { bytes = try pngData() } catch ImageError.encodeFailed(_, let reason) {
            throw ImageError.encodeFailed(path: url.path, reason: reason)
        }
        do { try Data(bytes).write(to: url, options: .atomic) } catch {
            throw ImageError.encodeFailed(path: url.path, reason: error.localizedDescription)
        }
    }

    private static func pngMessage(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
