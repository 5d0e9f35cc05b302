import Checksums
import Foundation
import Testing

@Suite struct SHA256Tests {
    @Test func matchesTheFIPSExamples() {
        #expect(
            SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func givesTheSameDigestWhateverTheSplitIntoUpdates() {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<1000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let whole = SHA256.hex(bytes)
        for cut in [0, 1, 55, 56, 63, 64, 65, 127, 999] {
            var h = SHA256()
            h.update(bytes[..<cut])
            h.update(Data(bytes[cut...]))
            #expect(h.finalizeHex() == whole, "split at \(cut)")
        }
        var raw = SHA256()
        bytes.withUnsafeBytes { raw.update(bytes: $0) }
        #expect(raw.finalizeHex() == whole)
    }

    @Test func hexStringWritesTwoLowercaseDigitsPerByte() {
        #expect(SHA256.hexString([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
    }
}
