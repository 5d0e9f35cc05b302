import Foundation
import Testing
@testable import Runner

@Suite("SHA-256")
struct SHA256Tests {
    @Test func matchesTheFIPSExamples() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func aFileDigestMatchesTheDigestOfItsBytes() throws {
        let dir = try makeTemporaryDirectory()
        let bytes = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try bytes.write(to: URL(fileURLWithPath: dir + "/f.bin"))
        #expect(try SHA256.hex(fileAt: dir + "/f.bin") == SHA256.hex(bytes))
        #expect(try SHA256.hexReadingHere(fileAt: dir + "/f.bin") == SHA256.hex(bytes))
    }

    @Test func feedingInPiecesGivesTheSameDigest() {
        let text = String(repeating: "emotive ", count: 100)
        var h = SHA256()
        for piece in text.split(separator: " ", omittingEmptySubsequences: false) { h.update(piece + " ") }
        #expect(h.finalize() == SHA256.hex(text + " "))
    }
}
