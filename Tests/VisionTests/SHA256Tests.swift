import Testing
@testable import Vision

@Suite struct SHA256Tests {
    @Test func matchesTheFIPS180TestVectors() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func incrementalUpdatesEqualOneUpdate() {
        let bytes = (0..<1000).map { UInt8($0 % 251) }
        var hash = SHA256()
        hash.update(Array(bytes[0..<7])); hash.update(Array(bytes[7..<130])); hash.update(Array(bytes[130...]))
        #expect(hash.finalizeHex() == SHA256.hex(bytes))
    }

    @Test func datasetFingerprintsChangeWithOneLabel() {
        let set = SyntheticFER.generate(.test, .init(scale: 0.001, seed: 1))
        var relabelled = ImageDataset(name: set.name, height: 48, width: 48, channels: 1, classNames: set.classNames,
                                      pixels: set.pixels, labels: [1] + set.labels.dropFirst())
        #expect(relabelled.fingerprint() != set.fingerprint())
        relabelled = ImageDataset(name: "other name", height: 48, width: 48, channels: 1, classNames: set.classNames,
                                  pixels: set.pixels, labels: set.labels)
        #expect(relabelled.fingerprint() == set.fingerprint())
    }
}
