import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 server for `emotive preview`: GET and HEAD only, one thread per
/// connection, `Connection: close` after each response except server-sent event streams,
/// which stay open until the client goes or the server stops.
///
/// It listens on 127.0.0.1 only and answers 403 to a request whose `Host` header is not a
/// loopback name (`127.0.0.1`, `localhost`, `[::1]`, with or without the port): a web page
/// elsewhere that rebinds its own DNS name to 127.0.0.1 sends its own name as the host.
///
///     let server = try HTTPServer(port: 0) { request in .ok("text/plain", Data("hi".utf8)) }
///     server.port   // the port the kernel chose
///
/// Written on the C socket API rather than a package: the preview needs GET and one event
/// stream, and every listed Swift HTTP server adds tens of seconds to a clean CI build.
public final class HTTPServer: @unchecked Sendable {
    // @unchecked: `listener` is set once in init; `streams` is only touched holding `lock`.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
    }

    public enum Response: Sendable {
        case ok(contentType: String, body: Data)
        case status(Int, String)
        /// Keep the connection open as a `text/event-stream`; `EventStream.send` writes to it.
        case eventStream(onOpen: @Sendable (EventStream) -> Void)
    }

    /// One open server-sent-events connection.
    public final class EventStream: @unchecked Sendable {
        // @unchecked: `fd` is written under `lock` (close) and read under it (send).
        private let lock = NSLock()
        private var fd: Int32

        init(fd: Int32) { self.fd = fd }

        public var isOpen: Bool { lock.withLock { fd >= 0 } }

        /// Sends one event (`event:` line and `data:` lines); false once the client is gone.
        @discardableResult
        public func send(event: String?, data: String) -> Bool {
            var text = event.map { "event: \($0)\n" } ?? ""
            for line in data.split(separator: "\n", omittingEmptySubsequences: false) {
                text += "data: \(line)\n"
            }
            return write(text + "\n")
        }

        /// A comment line, which keeps proxies and dead-peer detection honest.
        @discardableResult
        public func heartbeat() -> Bool { write(": keep-alive\n\n") }

        func write(_ text: String) -> Bool {
            lock.withLock {
                guard fd >= 0 else { return false }
                if !HTTPServer.sendAll(fd, Data(text.utf8)) {
                    Glibc.close(fd)
                    fd = -1
                    return false
                }
                return true
            }
        }

        public func close() {
            lock.withLock {
                if fd >= 0 { Glibc.shutdown(fd, Int32(SHUT_RDWR)); Glibc.close(fd); fd = -1 }
            }
        }
    }

    public let port: Int
    private let listener: Int32
    private let handler: @Sendable (Request) -> Response
    private let lock = NSLock()
    private var streams: [EventStream] = []
    private var stopped = false

    public init(port: Int = 0, handler: @escaping @Sendable (Request) -> Response) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw PreviewError("cannot open a socket: \(String(cString: strerror(errno)))")
        }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian  // 127.0.0.1 only
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw PreviewError("cannot listen on 127.0.0.1:\(port): \(reason)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        self.listener = fd
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Stops accepting, ends every event stream and closes the listening socket.
    public func stop() {
        let open: [EventStream] = lock.withLock {
            stopped = true
            defer { streams = [] }
            return streams
        }
        Glibc.shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
        for s in open { s.close() }
    }

    /// The event streams still open.
    public var openStreams: [EventStream] {
        lock.withLock {
            streams.removeAll { !$0.isOpen }
            return streams
        }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return  // the listener was closed
            }
            // Not inherited by the notebook programs a render starts.
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            if lock.withLock({ stopped }) { Glibc.close(client); return }
            Thread.detachNewThread { [self] in serve(client) }
        }
    }

    private func serve(_ fd: Int32) {
        // A client that sends nothing is dropped after 10 s.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let request = Self.readRequest(fd) else {
            respond(fd, .status(400, "Bad Request"), head: false)
            return
        }
        guard Self.isLoopbackHost(request.headers["host"]) else {
            respond(
                fd,
                .status(403, "Forbidden: the Host header must be 127.0.0.1, localhost or [::1]"),
                head: false)
            return
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            respond(fd, .status(405, "Method Not Allowed"), head: false)
            return
        }
        respond(fd, handler(request), head: request.method == "HEAD")
    }

    private func respond(_ fd: Int32, _ response: Response, head: Bool) {
        switch response {
        case .ok(let type, let body):
            let header =
                "HTTP/1.1 200 OK\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\n"
                + "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
            _ = Self.sendAll(fd, Data(header.utf8) + (head ? Data() : body))
            Glibc.close(fd)
        case .status(let code, let text):
            let body = Data((text + "\n").utf8)
            let header =
                "HTTP/1.1 \(code) \(text.split(separator: ":")[0])\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            _ = Self.sendAll(fd, Data(header.utf8) + (head ? Data() : body))
            Glibc.close(fd)
        case .eventStream(let onOpen):
            let header =
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
                + "Connection: keep-alive\r\n\r\n"
            guard Self.sendAll(fd, Data(header.utf8)) else { Glibc.close(fd); return }
            let stream = EventStream(fd: fd)
            let accepted = lock.withLock { () -> Bool in
                guard !stopped else { return false }
                streams.append(stream)
                return true
            }
            guard accepted else { stream.close(); return }
            onOpen(stream)
        }
    }

    /// `Host` values that name this machine's loopback interface.
    static func isLoopbackHost(_ host: String?) -> Bool {
        guard var host = host?.lowercased().trimmingCharacters(in: .whitespaces), !host.isEmpty
        else { return false }
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let rest = host[host.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && Int(rest.dropFirst()) != nil) else {
                return false
            }
            return host[...close] == "[::1]"
        }
        if let colon = host.lastIndex(of: ":") {
            guard Int(host[host.index(after: colon)...]) != nil else { return false }
            host = String(host[..<colon])
        }
        return host == "127.0.0.1" || host == "localhost"
    }

    /// Reads the request line and headers (at most 16 KiB); nil when malformed.
    static func readRequest(_ fd: Int32) -> Request? {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while buffer.count < 16384 {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return nil }
            buffer += chunk[0..<n]
            if let _ = buffer.firstRange(of: end) { break }
        }
        guard let headEnd = buffer.firstRange(of: end) else { return nil }
        let head = String(decoding: buffer[..<headEnd.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                .trimmingCharacters(in: .whitespaces)
        }
        var path = String(requestLine[1])
        if let q = path.firstIndex(of: "?") { path = String(path[..<q]) }
        return Request(method: String(requestLine[0]), path: path, headers: headers)
    }

    static func sendAll(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                // MSG_NOSIGNAL: a client that left gives EPIPE, not a SIGPIPE that ends emotive.
                let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
    }
}

/// An error starting or running the preview, in the user's words.
public struct PreviewError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
