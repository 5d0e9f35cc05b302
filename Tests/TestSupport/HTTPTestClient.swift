import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A blocking HTTP/1.1 client on 127.0.0.1 for tests of `emotive preview`: whole responses
/// for GET, and a reader of server-sent events.
public enum HTTPClient {
    public struct Response: Sendable {
        public var status: Int
        public var head: String
        public var body: String
    }

    public struct ConnectionFailed: Error {}

    /// A connected socket with a 20 s receive timeout.
    public static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ConnectionFailed() }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let r = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard r == 0 else { close(fd); throw ConnectionFailed() }
        return fd
    }

    public static func get(port: Int, path: String, host: String? = nil) throws -> Response {
        let text = try raw(
            port: port,
            "GET \(path) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\nConnection: close\r\n\r\n"
        )
        let parts = text.components(separatedBy: "\r\n\r\n")
        let status = Int(parts[0].split(separator: " ").dropFirst().first ?? "") ?? 0
        return Response(
            status: status, head: parts[0], body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// Sends `request` as is and reads until the server closes the connection.
    public static func raw(port: Int, _ request: String) throws -> String {
        let fd = try connect(port: port)
        defer { close(fd) }
        _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Reads a server-sent event stream on a thread and keeps every event.
public final class EventReader: @unchecked Sendable {
    // @unchecked: `events`, `closed` and `pending` are touched only while holding `lock`.
    public struct Event: Sendable {
        public var event: String
        public var data: String
    }

    private let lock = NSLock()
    private var events: [Event] = []
    private var closed = false
    private var seen = 0
    private let fd: Int32

    public init(port: Int, path: String = "/events") throws {
        fd = try HTTPClient.connect(port: port)
        let request =
            "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        Thread.detachNewThread { [self] in read() }
    }

    deinit { close(fd) }

    private func read() {
        var text = ""
        var headerDone = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EINTR || errno == EAGAIN { continue }
            if n <= 0 { break }
            text += String(decoding: buffer[0..<n], as: UTF8.self)
            if !headerDone {
                // The HTTP head ends with CRLF CRLF (one Character each in Swift: drop it first).
                guard let end = text.range(of: "\r\n\r\n") else { continue }
                text = String(text[end.upperBound...])
                headerDone = true
            }
            while let end = text.range(of: "\n\n") {
                let block = String(text[..<end.lowerBound])
                text = String(text[end.upperBound...])
                var name = "message", data: [String] = []
                for line in block.split(separator: "\n") {
                    if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
                }
                if !data.isEmpty {
                    lock.withLock {
                        events.append(Event(event: name, data: data.joined(separator: "\n")))
                    }
                }
            }
        }
        lock.withLock { closed = true }
    }

    /// The first event not returned before that matches, waiting up to `timeout` seconds.
    public func waitFor(timeout: Double = 60, _ matches: (Event) -> Bool) -> Event? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let found: Event? = lock.withLock {
                guard let i = events.indices.dropFirst(seen).first(where: { matches(events[$0]) })
                else { return nil }
                seen = i + 1
                return events[i]
            }
            if let found { return found }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return nil
    }

    public var all: [Event] { lock.withLock { events } }

    public func waitForClose(timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if lock.withLock({ closed }) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }
}
