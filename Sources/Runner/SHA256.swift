import Checksums
import Foundation

extension SHA256 {
    /// Digest of a file: coreutils' `sha256sum` when present (a debug build of the Swift
    /// implementation takes seconds for a large library), else read here in 1 MiB chunks.
    public static func hex(fileAt path: String) throws -> String {
        if let r = try? ChildProcess.run("/usr/bin/env", ["sha256sum", "--", path]), r.status == 0,
            let digest = r.stdout.split(separator: " ").first, digest.count == 64
        {
            return String(digest)
        }
        return try hexReadingHere(fileAt: path)
    }

    static func hexReadingHere(fileAt path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RunnerError(file: path, "cannot read the file")
        }
        defer { try? handle.close() }
        var h = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            h.update(chunk)
        }
        return h.finalizeHex()
    }
}
