import Foundation

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
            throw RunnerError(
                file: path, "cannot open the render lock (\(String(cString: strerror(errno))))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder =
                (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            onWait(
                "another render of this notebook is running\(holder.isEmpty ? "" : " (\(holder))"); "
                    + "waiting for it to finish (lock: \(path))")
            while flock(fd, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    close(fd)
                    throw RunnerError(
                        file: path,
                        "cannot take the render lock (\(String(cString: strerror(errno))))")
                }
            }
        }
        ftruncate(fd, 0)
        let note =
            "pid \(ProcessInfo.processInfo.processIdentifier), since \(ISO8601DateFormatter().string(from: Date()))\n"
        _ = note.withCString { Foundation.write(fd, $0, strlen($0)) }
    }

    deinit {
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
