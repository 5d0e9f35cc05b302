// Hostile and broken input: seeded mutations of the committed corpus (Fuzz/corpus) fed to
// the image decoders and the CSV loaders end in a value or a thrown error, never a crash,
// a hang or a wrong error type; decompression bombs are refused before allocation.
// Fuzz/fuzz.sh runs the same campaigns for a chosen time in a release build.
import Foundation
import Testing
@testable import Vision

@Suite struct FuzzTests {
    /// EMOTIVE_FUZZ_SECONDS (Fuzz/fuzz.sh) turns the fixed budget into a timed run with
    /// crash and hang capture.
    static let seconds = ProcessInfo.processInfo.environment["EMOTIVE_FUZZ_SECONDS"].flatMap(
        Double.init)
    static let seed =
        ProcessInfo.processInfo.environment["EMOTIVE_FUZZ_SEED"].flatMap(UInt64.init) ?? 2013

    /// Images up to 1 megapixel while fuzzing: a 100-byte file whose header claims up to
    /// the default 100 megapixels is legitimately allocated for (then fails on missing data),
    /// which would make each such input cost seconds and hundreds of MB.
    static let fuzzMaxPixels = 1 << 20

    func campaign(_ target: FuzzTarget, budget: Int) throws {
        if target == .png || target == .jpeg { ImageDecoding.maxPixels = Self.fuzzMaxPixels }
        if Self.seconds != nil { Watchdog.enable(hangSeconds: 10) }
        let stats = try FuzzCampaign.run(
            target, seed: Self.seed, budget: budget, seconds: Self.seconds)
        print(stats)
        for (input, reason) in stats.failures.prefix(5) {
            let url =
                Self.seconds == nil
                ? nil : FuzzCampaign.save(input, target: target, kind: "failure")
            Issue.record(
                "\(target.rawValue) input of \(input.count) bytes: \(reason)\(url.map { " (saved to \($0.path))" } ?? "")"
            )
        }
        #expect(stats.failures.isEmpty)
        #expect(stats.inputs >= min(budget, 1))
    }

    @Test func mutatedPNGsDecodeOrThrowAnImageError() throws { try campaign(.png, budget: 20_000) }
    @Test func mutatedJPEGsDecodeOrThrowAnImageError() throws { try campaign(.jpeg, budget: 6000) }
    @Test func mutatedFER2013CSVsLoadOrThrowADatasetError() throws {
        try campaign(.csv, budget: 1500)
    }
    @Test func mutatedFERPlusVoteFilesLoadOrThrowADatasetError() throws {
        try campaign(.ferplus, budget: 3000)
    }

    @Test func everySeedInTheCorpusIsAValidInput() throws {
        for target in FuzzTarget.allCases {
            let harness = try FuzzHarness(target: target)
            let files = try FileManager.default.contentsOfDirectory(
                at: FuzzCorpus.directory.appendingPathComponent(target.rawValue),
                includingPropertiesForKeys: nil)
            #expect(files.count >= 2, "\(target.rawValue) seeds")
            for file in files {
                #expect(
                    harness.run([UInt8](try Data(contentsOf: file))) == .value,
                    "\(file.lastPathComponent)")
            }
        }
    }

    @Test func theMutatorIsDeterministic() {
        let seed = FuzzCorpus.seeds(for: .jpeg)[0]
        var a = FuzzRandom(seed: 7), b = FuzzRandom(seed: 7)
        for _ in 0..<50 {
            #expect(
                Mutator.mutate(seed, target: .jpeg, others: [], random: &a)
                    == Mutator.mutate(seed, target: .jpeg, others: [], random: &b))
        }
    }
}

/// Headers claiming huge sizes are refused with `ImageError.tooLarge` before libpng or
/// libjpeg allocate anything (the default limit is 100 megapixels).
@Suite struct DecompressionBombTests {
    static func png(
        width: UInt32, height: UInt32, bitDepth: UInt8 = 8, colourType: UInt8 = 0,
        interlace: UInt8 = 0
    ) -> [UInt8] {
        var ihdr = Mutator.be32(Int(width)) + Mutator.be32(Int(height))
        ihdr += [bitDepth, colourType, 0, 0, interlace]
        return Mutator.pngBytes(
            [
                .init(type: Array("IHDR".utf8), data: ihdr),
                .init(
                    type: Array("IDAT".utf8),
                    data: [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]),
                .init(type: Array("IEND".utf8), data: []),
            ], tail: [])
    }

    /// A real 16x16 JPEG with its SOF rewritten to the given type and size.
    static func jpeg(_ name: String, marker: UInt8? = nil, width: Int, height: Int) throws
        -> [UInt8]
    {
        let seed = [UInt8](
            try Data(contentsOf: FuzzCorpus.directory.appendingPathComponent("jpeg/\(name)")))
        var (segments, tail) = Mutator.jpegSegments(seed)!
        let f = segments.firstIndex { Mutator.sofMarkers.contains($0.marker) }!
        if let marker { segments[f].marker = marker }
        segments[f].payload.replaceSubrange(
            1..<5,
            with: [
                UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF),
            ])
        return Mutator.jpegBytes(segments, tail: tail)
    }

    func expectTooLarge(_ bytes: [UInt8], _ label: String) {
        do {
            _ = try Image.decode(bytes, path: label)
            Issue.record("\(label) decoded")
        } catch let error as ImageError {
            guard case .tooLarge = error else { Issue.record("\(label): \(error)"); return }
        } catch { Issue.record("\(label): \(error)") }
    }

    @Test func pngHeadersOfEveryColourTypeClaiming100000x100000AreRefused() {
        for (colourType, depths) in [
            (0, [1, 2, 4, 8, 16]), (2, [8, 16]), (3, [1, 2, 4, 8]), (4, [8, 16]), (6, [8, 16]),
        ] as [(UInt8, [UInt8])] {
            for depth in depths {
                for interlace: UInt8 in [0, 1] {
                    expectTooLarge(
                        Self.png(
                            width: 100_000, height: 100_000, bitDepth: depth,
                            colourType: colourType, interlace: interlace),
                        "png type \(colourType) depth \(depth) interlace \(interlace)")
                }
            }
        }
    }

    /// libpng skips unknown ancillary chunks before IHDR and allocates row buffers while reading
    /// the header: found by the fuzzer (5 s and 2.6 GB for a 137-byte file).
    @Test func aPNGBombBehindAChunkBeforeIHDRIsRefusedBeforeTheHeaderIsRead() throws {
        var (chunks, tail) = Mutator.pngChunks(
            Self.png(width: 0x7FFF_FFFF, height: 7, colourType: 2))!
        chunks.insert(.init(type: Array("xXxX".utf8), data: [0xD9, 0xD6, 0xB6]), at: 0)
        let bytes = Mutator.pngBytes(chunks, tail: tail)
        let claimed = ImageDecoding.claimedSize(bytes, format: .png)
        #expect(claimed?.width == 0x7FFF_FFFF && claimed?.height == 7)
        expectTooLarge(bytes, "IHDR after an unknown chunk")
        #expect(
            throws: ImageError.tooLarge(
                path: "<memory>", width: 0x7FFF_FFFF, height: 7, limit: ImageDecoding.maxPixels)
        ) {
            try Image.size(of: bytes)
        }
        let saved = FuzzCorpus.directory.appendingPathComponent(
            "regressions/png-slow-ihdr-not-first.bin")
        expectTooLarge([UInt8](try Data(contentsOf: saved)), "saved regression")
    }

    /// A progressive JPEG whose first scan is repeated `scans` times.
    static func repeatedScans(_ scans: Int) throws -> [UInt8] {
        let seed = [UInt8](
            try Data(
                contentsOf: FuzzCorpus.directory.appendingPathComponent("jpeg/gray-progressive.jpg")
            ))
        let sos = seed.indices.first { seed[$0] == 0xFF && seed[$0 + 1] == 0xDA }!
        var end = sos + 2 + (Int(seed[sos + 2]) << 8 | Int(seed[sos + 3]))
        while !(seed[end] == 0xFF && seed[end + 1] != 0 && !(0xD0...0xD7).contains(seed[end + 1])) {
            end += 1
        }
        return Array(seed[..<sos])
            + Array(repeating: Array(seed[sos..<end]), count: scans).flatMap { $0 } + [0xFF, 0xD9]
    }

    @Test func aProgressiveJPEGWithThousandsOfScansIsRefused() throws {
        #expect(try Image.decode(Self.repeatedScans(900)).width == 16)
        #expect { try Image.decode(Self.repeatedScans(1001)) } throws: { error in
            (error as? ImageError)?.description.contains("more than 1000 scans") == true
        }
    }

    @Test func pngSizesThatOverflowAProductAreRefusedNotTrapped() {
        for (w, h) in [
            (0xFFFF_FFFF, 0xFFFF_FFFF), (0x8000_0000, 0x8000_0000), (0x7FFF_FFFF, 0x7FFF_FFFF),
            (0xFFFF_FFFF, 1), (1, 0xFFFF_FFFF), (10_001, 10_000),
        ] as [(UInt32, UInt32)] {
            expectTooLarge(Self.png(width: w, height: h), "png \(w)x\(h)")
        }
    }

    @Test func jpegFramesOfEveryKindClaiming65535x65535AreRefused() throws {
        for name in ["baseline.jpg", "progressive.jpg", "gray.jpg", "cmyk.jpg"] {
            for marker: UInt8 in [0xC0, 0xC1, 0xC2, 0xC3, 0xC9, 0xCA] {
                expectTooLarge(
                    try Self.jpeg(name, marker: marker, width: 65_535, height: 65_535),
                    "\(name) SOF \(marker)")
                expectTooLarge(
                    try Self.jpeg(name, marker: marker, width: 10_001, height: 10_000),
                    "\(name) SOF \(marker) just over")
            }
        }
    }

    @Test func aHugeJPEGFrameBehindAnotherFrameOrBehindGarbageIsRefused() throws {
        let small = try Self.jpeg("progressive.jpg", width: 16, height: 16)
        var (segments, tail) = Mutator.jpegSegments(small)!
        let f = segments.firstIndex { Mutator.sofMarkers.contains($0.marker) }!
        var huge = segments[f]
        huge.payload.replaceSubrange(1..<5, with: [0x4E, 0x20, 0x4E, 0x20])  // 20000x20000
        // A second, huge frame after the real one: libjpeg refuses duplicate frames.
        var twice = segments; twice.insert(huge, at: f + 1)
        #expect(throws: ImageError.self) { try Image.decode(Mutator.jpegBytes(twice, tail: tail)) }
        // The huge frame first.
        var hugeFirst = segments; hugeFirst.insert(huge, at: f)
        expectTooLarge(Mutator.jpegBytes(hugeFirst, tail: tail), "huge SOF before a small one")
        // Garbage bytes hide the frame from the quick header scan; libjpeg skips them, and
        // the size it reports is checked before the pixel buffer exists.
        segments[f] = huge
        var bytes = Mutator.jpegBytes(Array(segments[..<f]), tail: [])
        bytes +=
            [0x00, 0x13, 0x37] + Mutator.jpegBytes(Array(segments[f...]), tail: tail).dropFirst(2)
        expectTooLarge(bytes, "huge SOF behind garbage")
        tail = []
    }
}
