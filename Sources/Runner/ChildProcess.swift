import Foundation

/// Runs a child process with its stdout and stderr read concurrently (so neither pipe can
/// fill up and block the child), optionally streaming chunks as they arrive.
enum ChildProcess {
    struct Result: Sendable {
        var status: Int32
        /// Set when the child was killed by a signal (its number); `status` is then the signal.
        var signaled: Bool
        var stdout: String
        var stderr: String
        var stdoutData: Data
        var stderrData: Data
        var timedOut: Bool
        /// Set when the child was killed for using more memory than allowed: its resident size.
        var memoryExceeded: Int64?
    }

    static func run(
        _ executable: String, _ arguments: [String],
        environment: [String: String]? = nil, currentDirectory: String? = nil,
        timeLimit: Double? = nil, memoryLimit: Int64? = nil,
        onStdout: (@Sendable (Data) -> Void)? = nil,
        onStderr: (@Sendable (Data) -> Void)? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory)
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw RunnerError("cannot start \(executable): \(error.localizedDescription)")
        }
        let outBuffer = Collector(), errBuffer = Collector()
        let group = DispatchGroup()
        drain(out.fileHandleForReading, into: outBuffer, onChunk: onStdout, group: group)
        drain(err.fileHandleForReading, into: errBuffer, onChunk: onStderr, group: group)

        let killed = Flag()
        if let timeLimit {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeLimit) {
                if process.isRunning {
                    killed.set()
                    kill(pid, SIGKILL)
                }
            }
        }
        let overMemory = Collector()
        if let memoryLimit {
            let pid = process.processIdentifier
            Thread.detachNewThread {
                while process.isRunning {
                    if let rss = residentBytes(pid), rss > memoryLimit {
                        overMemory.append(Data(String(rss).utf8))
                        kill(pid, SIGKILL)
                        return
                    }
                    Thread.sleep(forTimeInterval: 0.2)
                }
            }
        }
        process.waitUntilExit()
        group.wait()
        let outData = outBuffer.data, errData = errBuffer.data
        return Result(
            status: process.terminationStatus,
            signaled: process.terminationReason == .uncaughtSignal,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self),
            stdoutData: outData, stderrData: errData, timedOut: killed.isSet,
            memoryExceeded: Int64(String(decoding: overMemory.data, as: UTF8.self)))
    }

    /// Resident set size of a process, from `/proc/<pid>/status` (`VmRSS: 123 kB`).
    static func residentBytes(_ pid: Int32) -> Int64? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        let kb = line.split(separator: " ").compactMap { Int64($0) }.first
        return kb.map { $0 * 1024 }
    }

    private static func drain(
        _ handle: FileHandle, into buffer: Collector,
        onChunk: (@Sendable (Data) -> Void)?, group: DispatchGroup
    ) {
        group.enter()
        let fd = handle.fileDescriptor
        Thread.detachNewThread {
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                if n <= 0 { break }
                let data = Data(chunk[0..<n])
                buffer.append(data)
                onChunk?(data)
            }
            group.leave()
        }
    }

    /// Bytes appended from a reader thread, read after it finished.
    final class Collector: @unchecked Sendable {
        // @unchecked: `storage` is only touched while holding `lock`.
        private let lock = NSLock()
        private var storage = Data()
        func append(_ d: Data) { lock.withLock { storage.append(d) } }
        var data: Data { lock.withLock { storage } }
    }

    final class Flag: @unchecked Sendable {
        // @unchecked: `value` is only touched while holding `lock`.
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }
}
