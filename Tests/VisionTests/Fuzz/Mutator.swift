// Seeded mutations of PNG, JPEG and CSV inputs for the Vision fuzz tests: generic byte
// edits plus format-aware ones (PNG chunks with their CRCs fixed, JPEG segments and header
// fields, CSV fields, quotes, newlines and numbers).
import Foundation

/// SplitMix64: one seed, same inputs.
struct FuzzRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A value in 0..<n (n > 0).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
    mutating func chance(_ oneIn: Int) -> Bool { below(oneIn) == 0 }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// The input families the fuzzer feeds to Vision.
enum FuzzTarget: String, CaseIterable, Sendable {
    case png, jpeg
    /// fer2013.csv (`FER2013CSV`).
    case csv
    /// fer2013new.csv vote files (`FERPlus`).
    case ferplus
}

enum Mutator {
    /// 1 to 4 stacked mutations of `input`; `others` are splice partners.
    static func mutate(
        _ input: [UInt8], target: FuzzTarget, others: [[UInt8]], random: inout FuzzRandom
    ) -> [UInt8] {
        var bytes = input
        for _ in 0...random.below(4) {
            if random.chance(3) {
                bytes = generic(bytes, others: others, random: &random)
            } else {
                switch target {
                case .png: bytes = png(bytes, random: &random)
                case .jpeg: bytes = jpeg(bytes, random: &random)
                case .csv, .ferplus: bytes = csv(bytes, target: target, random: &random)
                }
            }
        }
        return bytes
    }

    static let interestingBytes: [UInt8] = [
        0, 1, 0x7F, 0x80, 0xFF, 0xFE, 0x0A, 0x0D, 0x22, 0x2C, 0x20, 0x30, 0x39,
    ]

    // MARK: Generic byte edits

    static func generic(_ input: [UInt8], others: [[UInt8]], random: inout FuzzRandom) -> [UInt8] {
        var b = input
        let n = b.count
        switch random.below(9) {
        case 0 where n > 0:  // bit flip
            b[random.below(n)] ^= 1 << UInt8(random.below(8))
        case 1 where n > 0:  // interesting byte
            b[random.below(n)] = random.pick(interestingBytes)
        case 2:  // insert bytes
            let count = 1 + random.below(8)
            let fill = (0..<count).map { _ in
                random.chance(2) ? random.pick(interestingBytes) : UInt8(random.below(256))
            }
            b.insert(contentsOf: fill, at: random.below(n + 1))
        case 3 where n > 0:  // delete a range
            let start = random.below(n)
            b.removeSubrange(start..<min(n, start + 1 + random.below(16)))
        case 4 where n > 0:  // truncate
            b.removeSubrange(random.below(n)..<n)
        case 5 where n > 0:  // duplicate a range elsewhere
            let start = random.below(n)
            let piece = Array(b[start..<min(n, start + 1 + random.below(64))])
            b.insert(contentsOf: piece, at: random.below(n + 1))
        case 6 where n > 0:  // add or subtract a small number
            let i = random.below(n)
            b[i] = b[i] &+ UInt8(truncatingIfNeeded: random.below(33) - 16)
        case 7 where !others.isEmpty:  // splice: our head, another input's tail
            let other = random.pick(others)
            b =
                Array(b.prefix(random.below(n + 1)))
                + Array(other.suffix(random.below(other.count + 1)))
        default:  // overwrite a range with one byte
            guard n > 0 else { return [random.pick(interestingBytes)] }
            let start = random.below(n)
            let value = random.pick(interestingBytes)
            for i in start..<min(n, start + 1 + random.below(32)) { b[i] = value }
        }
        return b
    }

    // MARK: PNG: chunks rebuilt with valid CRCs so libpng reaches the code behind the check

    struct Chunk { var type: [UInt8]; var data: [UInt8] }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func pngChunks(_ b: [UInt8]) -> (chunks: [Chunk], tail: [UInt8])? {
        guard b.count >= 8 else { return nil }
        var chunks: [Chunk] = []
        var i = 8
        while i + 12 <= b.count {
            let length = Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
            guard length <= b.count - i - 12 else { break }
            chunks.append(
                Chunk(type: Array(b[i + 4..<i + 8]), data: Array(b[i + 8..<i + 8 + length])))
            i += 12 + length
        }
        return (chunks, Array(b[i...]))
    }

    static func pngBytes(_ chunks: [Chunk], tail: [UInt8], signature: [UInt8] = pngSignature)
        -> [UInt8]
    {
        var out = signature
        for chunk in chunks {
            out += be32(chunk.data.count)
            out += chunk.type + chunk.data
            out += be32(Int(crc32(chunk.type + chunk.data)))
        }
        return out + tail
    }

    static let interesting32: [UInt32] = [
        0, 1, 2, 7, 8, 47, 48, 255, 256, 4096, 65_535, 65_536, 100_000,
        0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0xC000_0000,
    ]

    static func png(_ input: [UInt8], random: inout FuzzRandom) -> [UInt8] {
        guard var (chunks, tail) = pngChunks(input), !chunks.isEmpty else { return input }
        let k = random.below(chunks.count)
        switch random.below(8) {
        case 0, 1:  // IHDR field edits
            guard let h = chunks.firstIndex(where: { $0.type == Array("IHDR".utf8) }),
                chunks[h].data.count >= 13
            else { break }
            switch random.below(5) {
            case 0, 1:
                let value =
                    random.chance(3)
                    ? UInt32(truncatingIfNeeded: random.next()) : random.pick(interesting32)
                let offset = random.chance(2) ? 0 : 4
                chunks[h].data.replaceSubrange(offset..<offset + 4, with: be32(Int(value)))
            // bit depth
            case 2: chunks[h].data[8] = random.pick([0, 1, 2, 3, 4, 5, 8, 16, 32, 255])
            // colour type
            case 3: chunks[h].data[9] = random.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 255])
            // compression, filter, interlace
            default: chunks[h].data[10 + random.below(3)] = random.pick([0, 1, 2, 255])
            }
        case 2:  // edit chunk data, CRC kept valid
            chunks[k].data = generic(chunks[k].data, others: [], random: &random)
        case 3:  // duplicate a chunk
            chunks.insert(chunks[k], at: random.below(chunks.count + 1))
        case 4:  // remove a chunk
            chunks.remove(at: k)
        case 5:  // swap two chunks
            chunks.swapAt(k, random.below(chunks.count))
        case 6:  // insert a chunk libpng interprets
            let type = random.pick([
                "PLTE", "tRNS", "IDAT", "IEND", "gAMA", "sBIT", "bKGD", "iCCP", "zTXt", "pHYs",
                "sPLT", "hIST", "acTL", "eXIf", "xXxX",
            ])
            let data = (0..<random.pick([0, 1, 2, 3, 6, 13, 256, 768, 1000])).map { _ in
                UInt8(random.below(256))
            }
            chunks.insert(
                Chunk(type: Array(type.utf8), data: data), at: random.below(chunks.count + 1))
        default:  // a length field that lies (CRC then wrong too)
            var out = pngBytes(chunks, tail: tail)
            var i = 8
            for c in chunks[0..<k] { i += 12 + c.data.count }
            out.replaceSubrange(i..<i + 4, with: be32(Int(random.pick(interesting32))))
            return out
        }
        if random.chance(20) { tail = generic(tail, others: [], random: &random) }
        return pngBytes(chunks, tail: tail, signature: Array(input.prefix(8)))
    }

    // MARK: JPEG: header segments up to the first SOS, then the entropy-coded rest

    struct Segment { var marker: UInt8; var payload: [UInt8] }

    static func jpegSegments(_ b: [UInt8]) -> (segments: [Segment], tail: [UInt8])? {
        guard b.count >= 4, b[0] == 0xFF, b[1] == 0xD8 else { return nil }
        var segments: [Segment] = []
        var i = 2
        while i + 4 <= b.count, b[i] == 0xFF {
            let marker = b[i + 1]
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            guard length >= 2, i + 2 + length <= b.count else { break }
            segments.append(Segment(marker: marker, payload: Array(b[i + 4..<i + 2 + length])))
            i += 2 + length
            if marker == 0xDA { break }
        }
        return (segments, Array(b[i...]))
    }

    static func jpegBytes(_ segments: [Segment], tail: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0xFF, 0xD8]
        for s in segments {
            let length = min(0xFFFF, s.payload.count + 2)
            out += [0xFF, s.marker, UInt8(length >> 8), UInt8(length & 0xFF)]
            out += s.payload.prefix(length - 2)
        }
        return out + tail
    }

    static let sofMarkers: [UInt8] = [
        0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF,
    ]
    static let interesting16: [Int] = [
        0, 1, 2, 8, 9, 16, 17, 48, 255, 256, 10_000, 10_001, 65_500, 65_501, 65_535,
    ]

    static func jpeg(_ input: [UInt8], random: inout FuzzRandom) -> [UInt8] {
        guard var (segments, tail) = jpegSegments(input), !segments.isEmpty else { return input }
        let k = random.below(segments.count)
        let sof = segments.firstIndex { sofMarkers.contains($0.marker) }
        switch random.below(9) {
        case 0, 1:  // SOF field edits: precision, height, width, components, sampling, tables
            guard let f = sof, segments[f].payload.count >= 6 else { break }
            var p = segments[f].payload
            switch random.below(5) {
            case 0: p[0] = random.pick([0, 1, 8, 12, 16, 255])
            case 1, 2:
                let offset = random.chance(2) ? 1 : 3
                let value = random.chance(3) ? random.below(65_536) : random.pick(interesting16)
                p[offset] = UInt8(value >> 8); p[offset + 1] = UInt8(value & 0xFF)
            case 3: p[5] = random.pick([0, 1, 2, 3, 4, 5, 10, 255])
            default:
                guard p.count > 6 else { break }
                let i = 6 + random.below(p.count - 6)
                p[i] = random.pick([
                    0x00, 0x11, 0x12, 0x21, 0x22, 0x41, 0x44, 0x88, 0xFF, 0x01, 0x03, 0x04,
                ])
            }
            segments[f].payload = p
        case 2:  // another SOF type (progressive, lossless, arithmetic …)
            guard let f = sof else { break }
            segments[f].marker = random.pick(sofMarkers)
        case 3:  // a second SOF, possibly claiming a huge size
            guard let f = sof else { break }
            var copy = segments[f]
            if copy.payload.count >= 5, random.chance(2) {
                copy.payload[1] = 0xFF; copy.payload[2] = 0xFF; copy.payload[3] = 0xFF;
                copy.payload[4] = 0xFF
            }
            segments.insert(copy, at: random.below(segments.count + 1))
        case 4:  // duplicate, remove or swap segments
            switch random.below(3) {
            case 0: segments.insert(segments[k], at: random.below(segments.count + 1))
            case 1: segments.remove(at: k)
            default: segments.swapAt(k, random.below(segments.count))
            }
        case 5:  // edit a segment's payload (DQT, DHT, SOS, APPn …), its length kept right
            segments[k].payload = generic(segments[k].payload, others: [], random: &random)
        case 6:  // scan header fields in the entropy-coded tail too (progressive scans)
            var out = jpegBytes(segments, tail: tail)
            let scans = out.indices.dropLast(8).filter { out[$0] == 0xFF && out[$0 + 1] == 0xDA }
            guard !scans.isEmpty else { return out }
            let s = random.pick(scans)
            let count = Int(out[s + 4])
            let fields = s + 5 + 2 * count  // Ss, Se, Ah/Al
            let i = random.chance(4) ? s + 4 : min(out.count - 1, fields + random.below(3))
            out[i] = random.pick([0, 1, 2, 5, 15, 17, 63, 64, 0x10, 0x11, 0xF0, 0xFF])
            return out
        case 7:  // markers in the entropy-coded data: restarts, stray FF, early EOI
            guard !tail.isEmpty else { break }
            let marker = random.pick(
                [
                    [0xFF, 0xD0], [0xFF, 0xD7], [0xFF, 0xD9], [0xFF, 0xFF], [0xFF, 0x00],
                    [0xFF, 0xDD, 0x00, 0x04, 0x00, 0x01], [0xFF, 0xC4],
                ] as [[UInt8]])
            tail.insert(contentsOf: marker, at: random.below(tail.count + 1))
        default:  // restart interval / unknown marker segment
            let payload = (0..<random.pick([0, 2, 4, 16])).map { _ in UInt8(random.below(256)) }
            segments.insert(
                Segment(
                    marker: random.pick([0xDD, 0xE0, 0xEE, 0xFE, 0xC8, 0xDC, 0xDF, 0xF7]),
                    payload: payload),
                at: random.below(segments.count + 1))
        }
        return jpegBytes(segments, tail: tail)
    }

    // MARK: CSV: fields, quotes, newlines, numbers

    static let interestingFields = [
        "", "-1", "0", "6", "7", "8", "10", "255", "256", "-0", "+3", "3.0", "1e3", " 3 ",
        "\"3\"", "\"", "0x3", "٣", "NaN", "Training", "PublicTest", "PrivateTest",
        "training", "Usage", "emotion", "pixels", "9223372036854775807",
        "9223372036854775808", "99999999999999999999999999", "00000000000000000000255",
        "\u{FEFF}", "\u{0}", "é", "\t", "0 0 0", "1,2",
    ]

    static func csv(_ input: [UInt8], target: FuzzTarget, random: inout FuzzRandom) -> [UInt8] {
        var lines = input.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        guard !lines.isEmpty else { return input }
        let l = random.below(lines.count)
        switch random.below(10) {
        case 0, 1, 2:  // replace one field
            var fields = lines[l].split(separator: 0x2C, omittingEmptySubsequences: false).map(
                Array.init)
            let f = random.below(fields.count)
            if target == .csv && fields[f].count > 100 && !random.chance(4) {
                fields[f] = pixelField(fields[f], random: &random)
            } else {
                fields[f] = Array(random.pick(interestingFields).utf8)
            }
            lines[l] = Array(fields.joined(separator: [0x2C]))
        case 3:  // insert a quote, comma, CR, newline, tab, NUL or invalid UTF-8
            let piece = random.pick(
                [
                    [0x22], [0x2C], [0x0D], [0x0A], [0x0D, 0x0A], [0x09], [0x00], [0xC3, 0x28],
                    [0xFF], [0xEF, 0xBB, 0xBF],
                ] as [[UInt8]])
            lines[l].insert(contentsOf: piece, at: random.below(lines[l].count + 1))
        case 4:  // remove a comma
            if let c = lines[l].indices.filter({ lines[l][$0] == 0x2C }).randomElement(
                using: &random)
            {
                lines[l].remove(at: c)
            }
        case 5:  // duplicate or delete a line
            if random.chance(2) {
                lines.insert(lines[l], at: random.below(lines.count + 1))
            } else {
                lines.remove(at: l)
            }
        case 6:  // CRLF endings, or a BOM
            if random.chance(2) {
                lines = lines.map { $0 + [0x0D] }
            } else {
                lines[0].insert(contentsOf: [0xEF, 0xBB, 0xBF], at: 0)
            }
        case 7:  // a very long line
            lines[l] = Array(repeating: lines[l], count: 2 + random.below(3)).flatMap { $0 }
        case 8:  // blank lines
            lines.insert([], at: random.below(lines.count + 1))
        default:  // a header-less or header-only file
            lines = random.chance(2) ? Array(lines.dropFirst()) : [lines[0]]
        }
        return Array(lines.joined(separator: [0x0A]))
    }

    /// Space-separated pixel values: one changed, removed, added, or the separators altered.
    static func pixelField(_ field: [UInt8], random: inout FuzzRandom) -> [UInt8] {
        var values = field.split(separator: 0x20, omittingEmptySubsequences: false).map(Array.init)
        guard !values.isEmpty else { return field }
        let v = random.below(values.count)
        switch random.below(5) {
        case 0:
            values[v] = Array(
                random.pick([
                    "256", "-1", "1e3", "999999999999999999999", "000000000000000000007", "", "2.5",
                    "x", "٣",
                ]).utf8)
        case 1: values.remove(at: v)
        case 2: values.insert(Array("7".utf8), at: v)
        case 3: values[v] += [0x09]
        default: values = Array(values.prefix(v))
        }
        return Array(values.joined(separator: [0x20]))
    }

    // MARK: Helpers

    static func be32(_ v: Int) -> [UInt8] {
        [
            UInt8(truncatingIfNeeded: v >> 24), UInt8(truncatingIfNeeded: v >> 16),
            UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v),
        ]
    }

    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

extension FuzzRandom: RandomNumberGenerator {}
