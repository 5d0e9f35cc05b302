import Foundation

/// Writes files so that a reader (or a kill at any moment) sees either the old file or the
/// complete new one: write to a temporary name in the same folder, fsync, rename (atomic
/// within one file system on POSIX). The one copy for the Runner's caches and reports and
/// Rendering's HTML and PDF.
public enum AtomicFile {
    /// A file that could not be written; the previous file, if any, is kept.
    /// Reads as `path: error: reason`, like the Runner's errors.
    public struct WriteError: Error, CustomStringConvertible, Equatable, Sendable {
        public var path: String
        public var reason: String
        public var description: String { "\(path): error: \(reason)" }
    }

    public static func write(_ data: Data, to path: String) throws {
        try write(toPath: path) { temp in
            let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { return errno }
            defer { close(fd) }
            var failure: Int32 = 0
            data.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        return
                    }
                    offset += n
                }
            }
            if failure == 0, fsync(fd) != 0 { failure = errno }
            return failure
        }
    }

    public static func write(_ string: String, to path: String) throws {
        try write(Data(string.utf8), to: path)
    }

    public static func write(_ data: Data, to url: URL) throws {
        try write(data, to: url.path)
    }

    /// Lets `produce` write a temporary file beside `url` (a library that opens the file
    /// itself, such as Cairo), then fsyncs it and renames it into place. If `produce`
    /// throws, its error is rethrown, the temporary file removed and `url` left as it was.
    public static func write(to url: URL, _ produce: (URL) throws -> Void) throws {
        var produced: Error?
        try write(toPath: url.path) { temp in
            do {
                try produce(URL(fileURLWithPath: temp))
            } catch {
                produced = error
                return -1
            }
            let fd = open(temp, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return errno }
            defer { close(fd) }
            return fsync(fd) == 0 ? 0 : errno
        }
        if let produced { throw produced }
    }

    /// Creates the folder, lets `fill` write and fsync the temporary file (returning 0, an
    /// errno, or -1 for an error of its own), renames it over `path`.
    private static func write(toPath path: String, _ fill: (String) -> Int32) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw WriteError(
                path: dir,
                reason: "cannot create the folder for \(path): \(error.localizedDescription)")
        }
        let temp =
            "\(dir)/.tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))-\(url.lastPathComponent)"
        var failure = fill(temp)
        if failure == 0, rename(temp, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temp)
            if failure < 0 { return }
            throw WriteError(
                path: path,
                reason:
                    "cannot write (\(String(cString: strerror(failure)))); the previous file is kept"
            )
        }
    }

    /// Removes what killed processes left in `directory`: entries named `<prefix><pid>-…`
    /// (or `<prefix><pid>.…`) whose process no longer exists.
    public static func removeLeftovers(in directory: String, prefix: String = ".tmp-") {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            return
        }
        for name in names where name.hasPrefix(prefix) {
            let digits = name.dropFirst(prefix.count).prefix(while: \.isNumber)
            guard let pid = Int32(digits), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else {
                continue
            }
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }
}
