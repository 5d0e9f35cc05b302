import Foundation
import Testing
@testable import Vision

/// Files written by Fixtures/make_images.py with Pillow; expected pixels are Pillow's.
@Suite struct ImageDecodingTests {
    /// PNG is lossless: exact. JPEG: both sides use libjpeg(-turbo) ISLOW with fancy
    /// upsampling; with Debian's libjpeg-turbo they agree exactly today, and 2 levels of slack
    /// allow for another libjpeg build on either side.
    static let jpegTolerance = 2

    static func expected(_ name: String) throws -> [String: Any] {
        let all = try FixtureFiles.json("images/images.json")
        return try #require(all[name] as? [String: Any], "images.json has no entry \(name)")
    }

    @Test(arguments: [
        "gray8.png", "gray-alpha.png", "rgb.png", "rgba.png", "gray16.png", "rgb16.png",
        "palette.png",
        "palette-transparent.png", "bilevel.png", "gray.jpg", "rgb.jpg", "progressive.jpg",
        "cmyk.jpg",
    ])
    func decodesLikePillow(_ name: String) throws {
        let truth = try Self.expected(name)
        let image = try Image.decode(contentsOf: FixtureFiles.url("images/" + name))
        #expect(image.height == truth["height"] as! Int)
        #expect(image.width == truth["width"] as! Int)
        #expect(image.channels == truth["channels"] as! Int)
        let pixels = truth["pixels"] as! [Int]
        #expect(image.pixels.count == pixels.count)
        let worst = zip(image.pixels, pixels).map { abs(Int($0) - $1) }.max() ?? 0
        #expect(
            worst <= (name.hasSuffix(".jpg") ? Self.jpegTolerance : 0),
            "\(name): max difference \(worst)")
    }

    @Test func aTruncatedJPEGIsAnErrorNamingTheFile() {
        let url = FixtureFiles.url("images/truncated.jpg")
        #expect {
            try Image.decode(contentsOf: url)
        } throws: { error in
            "\(error)".contains("truncated.jpg") && "\(error)".contains("truncated")
        }
    }

    @Test func aTruncatedPNGIsAnError() {
        #expect(throws: ImageError.self) {
            try Image.decode(contentsOf: FixtureFiles.url("images/truncated.png"))
        }
    }

    @Test func aTextFileIsNotAnImage() {
        let url = FixtureFiles.url("images/notes.txt")
        #expect(throws: ImageError.unknownFormat(path: url.path)) {
            try Image.decode(contentsOf: url)
        }
    }

    @Test func aHeaderClaiming100000SquarePixelsIsRefusedBeforeDecoding() {
        let url = FixtureFiles.url("images/bomb.png")
        #expect {
            try Image.decode(contentsOf: url)
        } throws: { error in
            guard case let ImageError.tooLarge(_, width, height, _) = error else { return false }
            return width == 100_000 && height == 100_000
        }
    }

    @Test func pngEncodingRoundTripsEveryChannelLayout() throws {
        for channels in 1...4 {
            let pixels = (0..<(7 * 5 * channels)).map { UInt8(($0 * 37) % 256) }
            let image = Image(height: 5, width: 7, channels: channels, pixels: pixels)
            #expect(try Image.decode(image.pngData()) == image)
        }
    }

    @Test func jpegEncodingRoundTripsCloselyAndProgressiveDecodes() throws {
        let face = SyntheticFER.face(emotion: 6, seed: 1)
        for progressive in [false, true] {
            let decoded = try Image.decode(face.jpegData(quality: 95, progressive: progressive))
            #expect(decoded.channels == 1)
            let error =
                zip(decoded.pixels, face.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +)
                / face.pixels.count
            #expect(error < 4)
        }
    }

    @Test func grayscaleUsesPillowsLumaWeights() {
        let rgb = Image(
            height: 1, width: 3, channels: 3, pixels: [255, 0, 0, 0, 255, 0, 10, 20, 30])
        // Pillow: L = R*299/1000 + G*587/1000 + B*114/1000 (rounded).
        #expect(rgb.grayscale().pixels == [76, 150, 18])
    }
}

@Suite struct JPEGBombTests {
    @Test func aJPEGWhoseFrameHeaderClaims65000SquarePixelsIsRefused() throws {
        var bytes = [UInt8](try Data(contentsOf: FixtureFiles.url("images/rgb.jpg")))
        // Find the baseline frame header (FF C0) and rewrite its height and width.
        let sof = try #require(
            (0..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        bytes[sof + 5] = 0xFD; bytes[sof + 6] = 0xE8  // height 65000
        bytes[sof + 7] = 0xFD; bytes[sof + 8] = 0xE8  // width 65000
        #expect {
            try Image.decode(bytes, path: "bomb.jpg")
        } throws: { error in
            guard case let ImageError.tooLarge(path, width, height, _) = error else { return false }
            return path == "bomb.jpg" && width == 65_000 && height == 65_000
        }
    }
}
