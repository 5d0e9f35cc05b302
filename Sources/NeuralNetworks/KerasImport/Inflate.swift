import _CZlib

/// Raw DEFLATE decompression (RFC 1951) of deflated members of `.keras` zip archives, by
/// zlib (Debian's `zlib1g-dev`).
enum Inflater {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// The bytes `data` (a raw deflate stream, no zlib or gzip header) inflates to.
    /// `expectedSize` is the zip directory's size; a stream that inflates to more is refused.
    static func inflate(_ data: [UInt8], expectedSize: Int) throws -> [UInt8] {
        var stream = z_stream()
        // windowBits -15: a raw deflate stream, as zip stores it.
        guard
            inflateInit2_(&stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
                == Z_OK
        else {
            throw Failure(description: "zlib could not start: out of memory")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(expectedSize)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = data
        return try input.withUnsafeMutableBufferPointer { input in
            stream.next_in = input.baseAddress
            stream.avail_in = uInt(input.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    return _CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: chunk[..<(chunk.count - Int(stream.avail_out))])
                guard output.count <= expectedSize else {
                    throw Failure(
                        description:
                            "the stream inflates to more than the \(expectedSize) bytes the directory says"
                    )
                }
                switch status {
                case Z_STREAM_END:
                    return output
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw Failure(description: "deflate stream ends early")
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    throw Failure(description: "invalid deflate data (\(message))")
                }
            }
        }
    }
}
