import Foundation

/// Writes files so that a reader (or a kill at any moment) sees either the old file or the
/// complete new one: write to a temporary name in the same folder, fsync, rename.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw RunnerError(file: dir, "cannot create the folder: \(error.localizedDescription)")
        }
        let temp = "\(dir)/.tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))-\(url.lastPathComponent)"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RunnerError(file: path, "cannot write (\(String(cString: strerror(errno)))); the previous file is kept")
        }
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
        close(fd)
        if failure == 0, rename(temp, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temp)
            throw RunnerError(file: path, "cannot write (\(String(cString: strerror(failure)))); the previous file is kept")
        }
    }

    public static func write(_ string: String, to path: String) throws {
        try write(Data(string.utf8), to: path)
    }

    /// Removes what killed processes left in `directory`: entries named `<prefix><pid>-…`
    /// (or `<prefix><pid>.…`) whose process no longer exists.
    static func removeLeftovers(in directory: String, prefix: String = ".tmp-") {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) {
            let digits = name.dropFirst(prefix.count).prefix(while: \.isNumber)
            guard let pid = Int32(digits), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }
}

/// An exclusive lock on one notebook's renders, held with `flock(2)` so the kernel
/// releases it when the process ends, however it ends.
public final class RenderLock {
    private let fd: Int32
    public let path: String

    /// Takes the lock, waiting for another render of the same notebook if there is one;
    /// `onWait` gets a message to show while waiting.
    public init(path: String, onWait: (String) -> Void) throws {
        self.path = path
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
            withIntermediateDirectories: true)
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RunnerError(file: path, "cannot open the render lock (\(String(cString: strerror(errno))))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            onWait("another render of this notebook is running\(holder.isEmpty ? "" : " (\(holder))"); "
                   + "waiting for it to finish (lock: \(path))")
            while flock(fd, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    close(fd)
                    throw RunnerError(file: path, "cannot take the render lock (\(String(cString: strerror(errno))))")
                }
            }
        }
        ftruncate(fd, 0)
        let note = "pid \(ProcessInfo.processInfo.processIdentifier), since \(ISO8601DateFormatter().string(from: Date()))\n"
        _ = note.withCString { Foundation.write(fd, $0, strlen($0)) }
    }

    deinit {
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
