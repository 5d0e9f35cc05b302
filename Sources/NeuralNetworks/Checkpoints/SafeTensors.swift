import Foundation
import Preconditions

/// A named Float32 array with its shape: the unit of checkpoints and weight import.
public struct NamedArray: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var values: [Float]

    public init(name: String, shape: [Int], values: [Float]) {
        check(
            shape.reduce(1, *) == values.count,
            "NamedArray '\(name)': shape \(shape) holds \(shape.reduce(1, *)) values, got \(values.count)"
        )
        self.name = name
        self.shape = shape
        self.values = values
    }
}

/// Reads and writes the safetensors layout (https://github.com/huggingface/safetensors):
///
/// ```
/// [8 bytes: N, little-endian UInt64][N bytes: JSON header, space-padded to 8-byte alignment][data]
/// header = {"__metadata__": {string: string}, "<name>": {"dtype": "F32", "shape": [..],
///           "data_offsets": [begin, end]}, ...}   // offsets relative to the data start
/// ```
/// Tensors are written in the given order, contiguous, little-endian Float32. Only F32 is
/// read (Emotive writes nothing else); other dtypes give an error naming the tensor.
public enum SafeTensors {
    public static func encode(_ arrays: [NamedArray], metadata: [String: String] = [:]) throws
        -> Data
    {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        var seen = Set<String>()
        for a in arrays {
            guard seen.insert(a.name).inserted else {
                throw WeightFileError("safetensors: tensor name '\(a.name)' appears twice")
            }
            guard a.name != "__metadata__" else {
                throw WeightFileError("safetensors: '__metadata__' is reserved")
            }
            let bytes = a.values.count * 4
            header[a.name] =
                ["dtype": "F32", "shape": a.shape, "data_offsets": [offset, offset + bytes]]
                as [String: Any]
            offset += bytes
        }
        var json = try JSONSerialization.data(
            withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for a in arrays {
            a.values.withUnsafeBufferPointer { buf in
                // Float32 is little-endian on every platform Swift runs Emotive on (x86-64, arm64).
                out.append(
                    UnsafeBufferPointer(
                        start: UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(
                            to: UInt8.self),
                        count: buf.count * 4))
            }
        }
        return out
    }

    /// Decodes a safetensors file's bytes; `source` names the file in errors.
    public static func decode(_ data: Data, source: String) throws -> (
        arrays: [NamedArray], metadata: [String: String]
    ) {
        guard data.count >= 8 else {
            throw WeightFileError(
                "\(source): truncated safetensors file (\(data.count) bytes, the header length alone needs 8)"
            )
        }
        let n = data.prefix(8).enumerated().reduce(UInt64(0)) {
            $0 | UInt64($1.element) << (8 * UInt64($1.offset))
        }
        guard n <= UInt64(data.count - 8) else {
            throw WeightFileError(
                "\(source): truncated safetensors file: header says \(n) bytes, file has \(data.count - 8) after the length"
            )
        }
        let headerData = data.subdata(in: 8..<(8 + Int(n)))
        guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any]
        else {
            throw WeightFileError(
                "\(source): safetensors header is not a JSON object (corrupt or not a safetensors file)"
            )
        }
        let base = 8 + Int(n)
        var metadata: [String: String] = [:]
        var entries: [(begin: Int, array: NamedArray)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: String] else {
                    throw WeightFileError("\(source): __metadata__ must map strings to strings")
                }
                metadata = m
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int],
                offsets.count == 2
            else {
                throw WeightFileError("\(source): tensor '\(name)' has a malformed header entry")
            }
            guard dtype == "F32" else {
                throw WeightFileError(
                    "\(source): tensor '\(name)' has dtype \(dtype); Emotive reads F32 only")
            }
            let count = shape.reduce(1, *)
            guard offsets[1] - offsets[0] == count * 4, offsets[0] >= 0 else {
                throw WeightFileError(
                    "\(source): tensor '\(name)' shape \(shape) needs \(count * 4) bytes, offsets give \(offsets[1] - offsets[0])"
                )
            }
            guard base + offsets[1] <= data.count else {
                throw WeightFileError(
                    "\(source): truncated safetensors file: tensor '\(name)' ends at byte \(base + offsets[1]), file has \(data.count)"
                )
            }
            var values = [Float](repeating: 0, count: count)
            values.withUnsafeMutableBytes { dst in
                data.copyBytes(
                    to: dst.bindMemory(to: UInt8.self),
                    from: (base + offsets[0])..<(base + offsets[1]))
            }
            entries.append((offsets[0], NamedArray(name: name, shape: shape, values: values)))
        }
        return (entries.sorted { $0.begin < $1.begin }.map(\.array), metadata)
    }

    public static func write(_ arrays: [NamedArray], metadata: [String: String] = [:], to url: URL)
        throws
    {
        try writeAtomically(try encode(arrays, metadata: metadata), to: url)
    }

    public static func read(_ url: URL) throws -> (arrays: [NamedArray], metadata: [String: String])
    {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw WeightFileError("\(url.path): cannot read (\(error.localizedDescription))")
        }
        return try decode(data, source: url.path)
    }
}

/// Writes `data` to a temporary file beside `url`, then renames it over `url`, so a reader
/// never sees a half-written file and a failed write leaves any old file untouched.
func writeAtomically(_ data: Data, to url: URL) throws {
    let dir = url.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let tmp = dir.appendingPathComponent(
        ".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
    )
    do {
        try data.write(to: tmp)
    } catch {
        try? FileManager.default.removeItem(at: tmp)
        throw WeightFileError("\(url.path): cannot write (\(error.localizedDescription))")
    }
    guard rename(tmp.path, url.path) == 0 else {
        let reason = String(cString: strerror(errno))
        try? FileManager.default.removeItem(at: tmp)
        throw WeightFileError("\(url.path): cannot move the written file into place (\(reason))")
    }
}
