import Checksums
import Foundation
import Testing
@testable import Runner

/// The Runner's file digest (the digest itself is tested in ChecksumsTests).
@Suite("SHA-256 of files")
struct FileDigestTests {
    @Test func aFileDigestMatchesTheDigestOfItsBytes() throws {
        let dir = try makeTemporaryDirectory()
        let bytes = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try bytes.write(to: URL(fileURLWithPath: dir + "/f.bin"))
        #expect(try SHA256.hex(fileAt: dir + "/f.bin") == SHA256.hex(bytes))
        #expect(try SHA256.hexReadingHere(fileAt: dir + "/f.bin") == SHA256.hex(bytes))
    }
}
