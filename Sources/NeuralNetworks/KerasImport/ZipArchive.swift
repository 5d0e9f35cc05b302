import Foundation

/// The few bytes of a zip archive needed to read a Keras 3 `.keras` file: the central
/// directory and stored or deflated members (Keras writes stored ones; a re-zipped archive
/// is usually deflated). No ZIP64.
struct ZipArchive {
    struct Entry {
        let name: String
        let method: UInt16
        let compressedSize: Int
        let size: Int
        let localHeaderOffset: Int
    }

    let source: String
    let data: Data
    let entries: [Entry]

    init(contentsOf url: URL) throws {
        source = url.path
        do { data = try Data(contentsOf: url) } catch {
            throw WeightFileError("\(url.path): cannot read (\(error.localizedDescription))")
        }
        entries = try Self.centralDirectory(data, source: source)
    }

    private static func u16(_ d: Data, _ at: Int) -> Int {
        Int(d[d.startIndex + at]) | Int(d[d.startIndex + at + 1]) << 8
    }
    private static func u32(_ d: Data, _ at: Int) -> Int { u16(d, at) | u16(d, at + 2) << 16 }

    private static func centralDirectory(_ d: Data, source: String) throws -> [Entry] {
        // End of central directory: 22 bytes + up to 65535 bytes of comment, at the end.
        guard d.count >= 22 else {
            throw WeightFileError("\(source): not a zip archive (\(d.count) bytes)")
        }
        var eocd = -1
        var i = d.count - 22
        while i >= max(0, d.count - 22 - 65535) {
            if u32(d, i) == 0x0605_4b50 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else {
            throw WeightFileError(
                "\(source): not a zip archive or truncated (no end-of-central-directory record); a .keras file is a zip"
            )
        }
        let count = u16(d, eocd + 10)
        var p = u32(d, eocd + 16)
        var entries: [Entry] = []
        for _ in 0..<count {
            guard p + 46 <= d.count, u32(d, p) == 0x0201_4b50 else {
                throw WeightFileError("\(source): damaged zip central directory")
            }
            let nameLength = u16(d, p + 28), extra = u16(d, p + 30), comment = u16(d, p + 32)
            guard p + 46 + nameLength <= d.count else {
                throw WeightFileError("\(source): damaged zip central directory")
            }
            let name = String(
                decoding: d[(d.startIndex + p + 46)..<(d.startIndex + p + 46 + nameLength)],
                as: UTF8.self)
            let e = Entry(
                name: name, method: UInt16(u16(d, p + 10)), compressedSize: u32(d, p + 20),
                size: u32(d, p + 24), localHeaderOffset: u32(d, p + 42))
            if e.size == 0xFFFF_FFFF || e.localHeaderOffset == 0xFFFF_FFFF {
                throw WeightFileError(
                    "\(source): member '\(name)' needs ZIP64, which Emotive does not read")
            }
            entries.append(e)
            p += 46 + nameLength + extra + comment
        }
        return entries
    }

    /// The bytes of a member, which must be stored (method 0).
    func contents(of name: String) throws -> Data {
        guard let e = entries.first(where: { $0.name == name }) else {
            throw WeightFileError(
                "\(source): the archive has no '\(name)' (members: \(entries.map(\.name).joined(separator: ", ")))"
            )
        }
        guard e.method == 0 || e.method == 8 else {
            throw WeightFileError(
                "\(source): member '\(name)' uses compression method \(e.method); Emotive reads stored "
                    + "and deflated members. Unzip the archive and load '\(name)' directly.")
        }
        let h = e.localHeaderOffset
        guard h + 30 <= data.count, Self.u32(data, h) == 0x0403_4b50 else {
            throw WeightFileError("\(source): damaged zip local header for '\(name)'")
        }
        let start = h + 30 + Self.u16(data, h + 26) + Self.u16(data, h + 28)
        let stored = e.method == 0 ? e.size : e.compressedSize
        guard start + stored <= data.count else {
            throw WeightFileError(
                "\(source): truncated zip archive: '\(name)' ends past the end of the file")
        }
        let bytes = data.subdata(in: (data.startIndex + start)..<(data.startIndex + start + stored))
        guard e.method == 8 else { return bytes }
        do {
            let out = try Inflater.inflate([UInt8](bytes), expectedSize: e.size)
            guard out.count == e.size else {
                throw WeightFileError(
                    "\(source): '\(name)' inflates to \(out.count) bytes, the directory says \(e.size)"
                )
            }
            return Data(out)
        } catch let failure as Inflater.Failure {
            throw WeightFileError(
                "\(source): cannot inflate '\(name)': \(failure.description) (damaged archive?)")
        }
    }
}
