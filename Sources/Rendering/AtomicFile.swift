import Foundation

/// Writes report files so that a reader never sees half of one: the bytes go to a
/// temporary file in the destination's directory, which is then renamed over the
/// destination (rename within one file system is atomic on POSIX).
public enum AtomicFile {
    /// Writes `data` to `url` atomically, creating the directory if needed.
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { temp in try data.write(to: temp) }
    }

    /// Lets `produce` write a temporary file beside `url`, then renames it into place.
    /// If `produce` throws, the temporary file is removed and `url` is left as it was.
    public static func write(to url: URL, _ produce: (URL) throws -> Void) throws {
        let directory = url.deletingLastPathComponent()
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw RenderingError.cannotWrite(path: url.path, reason: "cannot create directory \(directory.path): \(error.localizedDescription)")
        }
        let temp = directory.appendingPathComponent(".tmp-\(UUID().uuidString)-\(url.lastPathComponent)")
        defer { try? fm.removeItem(at: temp) }
        do {
            try produce(temp)
        } catch let error as RenderingError {
            throw error
        } catch {
            throw RenderingError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
        guard rename(temp.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw RenderingError.cannotWrite(path: url.path, reason: "rename failed: \(reason)")
        }
    }
}

/// What can go wrong while rendering a report.
public enum RenderingError: Error, CustomStringConvertible, Equatable {
    case cannotWrite(path: String, reason: String)
    case cairo(path: String, status: String)
    case figure(id: String, reason: String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason):
            "cannot write report \(path): \(reason); check that the directory is writable"
        case .cairo(let path, let status):
            "Cairo failed while writing \(path): \(status)"
        case .figure(let id, let reason):
            "cannot draw figure \(id): \(reason)"
        }
    }
}
