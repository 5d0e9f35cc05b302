import Foundation
import Testing
@testable import Vision

/// A PNG chunk that claims more bytes than the file holds is refused before libpng
/// allocates what it claims (the fuzzer's 2 GB text-chunk case).
@Suite struct PNGChunkLengthTests {
    func validPNG() throws -> [UInt8] {
        try Image(height: 4, width: 4, channels: 1, pixels: Array(0..<16)).pngData()
    }

    @Test func aChunkClaimingTwoGigabytesIsRefusedWithItsNameAndOffset() throws {
        var bytes = try validPNG()
        // After the signature (8) and IHDR (25 bytes): a tEXt chunk claiming 0x7FFFFFF0 bytes.
        bytes.insert(
            contentsOf: [0x7F, 0xFF, 0xFF, 0xF0] + Array("tEXt".utf8) + Array("key\0value".utf8),
            at: 33)
        #expect {
            _ = try Image.decode(bytes, path: "hostile.png")
        } throws: { error in
            String(describing: error).contains("hostile.png")
                && String(describing: error).contains(
                    "PNG chunk 'tEXt' at byte 33 claims 2147483632 bytes")
        }
        #expect(throws: ImageError.self) { _ = try Image.size(of: bytes, path: "hostile.png") }
    }

    @Test func validFilesStillDecode() throws {
        let image = try Image.decode(try validPNG())
        #expect(image.pixels == Array(0..<16))
    }
}
