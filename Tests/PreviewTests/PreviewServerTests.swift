import Foundation
import Testing
import TestSupport
@testable import Preview

/// The preview's HTTP server and live-reload session, in process: loopback only, Host
/// header checked, only the report and its event stream served.
@Suite struct PreviewServerTests {
    @Test func onlyLoopbackHostNamesAreAccepted() {
        for host in [
            "127.0.0.1", "127.0.0.1:8080", "localhost", "LOCALHOST:1", "[::1]", "[::1]:4000",
        ] {
            #expect(HTTPServer.isLoopbackHost(host), "\(host)")
        }
        for host in [
            nil, "", "evil.example", "evil.example:8080", "127.0.0.1.evil.example",
            "localhost.evil",
            "[::2]:80", "127.0.0.1:http", "0.0.0.0:8080", "[::1]x",
        ] {
            #expect(!HTTPServer.isLoopbackHost(host), "\(host ?? "nil")")
        }
    }

    @Test func aRequestWithAForeignHostHeaderIsRefused() throws {
        let session = PreviewSession(title: "t")
        session.published("<html><body><p>REPORT</p></body></html>")
        let server = try HTTPServer(port: 0, handler: session.handle)
        defer { server.stop() }
        let good = try HTTPClient.get(port: server.port, path: "/")
        #expect(good.status == 200)
        #expect(
            good.body.contains("<p>REPORT</p>")
                && good.body.contains("new EventSource(\"/events\")"))
        let rebound = try HTTPClient.get(
            port: server.port, path: "/", host: "attacker.example:\(server.port)")
        #expect(rebound.status == 403)
        #expect(!rebound.body.contains("REPORT"))
        let missing = try HTTPClient.raw(port: server.port, "GET / HTTP/1.1\r\n\r\n")
        #expect(missing.hasPrefix("HTTP/1.1 403"), "no Host header at all is refused too")
    }

    @Test func onlyTheReportAndItsEventStreamAreServed() throws {
        let session = PreviewSession(title: "t")
        let server = try HTTPServer(port: 0, handler: session.handle)
        defer { server.stop() }
        #expect(
            try HTTPClient.get(port: server.port, path: "/").body.contains("Rendering t…"),
            "a placeholder before the first report")
        for path in ["/etc/passwd", "/../Package.swift", "/Reports/t.html", "/index.html/x"] {
            #expect(try HTTPClient.get(port: server.port, path: path).status == 404, "\(path)")
        }
        let post = try HTTPClient.raw(
            port: server.port, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
        #expect(post.hasPrefix("HTTP/1.1 405"))
    }

    @Test func theEventStreamSaysRenderingThenReloadThenError() throws {
        let session = PreviewSession(title: "t")
        let server = try HTTPServer(port: 0, handler: session.handle)
        session.attach(server)
        defer { session.detach(); server.stop() }
        let events = try EventReader(port: server.port)
        #expect(events.waitFor { $0.event == "state" && $0.data.contains("\"version\":0") } != nil)
        session.rendering("cell 2/5 · line 30")
        #expect(
            events.waitFor {
                $0.data.contains("\"progress\":\"cell 2/5 · line 30\",\"rendering\":true")
            } != nil)
        session.published("<html><body>v1</body></html>")
        let reload = events.waitFor { $0.event == "reload" }
        #expect(reload?.data.contains("\"version\":1") == true)
        #expect(try HTTPClient.get(port: server.port, path: "/").body.contains("var version = 1;"))
        session.failed(file: "Notebooks/x.md", line: 12, message: "cannot find 'Dropuot' in scope")
        let error = events.waitFor { $0.data.contains("\"error\"") }
        #expect(
            error?.data.contains(
                "\"error\":{\"file\":\"Notebooks/x.md\",\"line\":12,\"message\":\"cannot find 'Dropuot' in scope\"}"
            ) == true)
        #expect(
            try HTTPClient.get(port: server.port, path: "/").body.contains("v1"),
            "the last good report stays")
    }

    @Test func stoppingTheServerEndsItsEventStreams() throws {
        let session = PreviewSession(title: "t")
        let server = try HTTPServer(port: 0, handler: session.handle)
        let events = try EventReader(port: server.port)
        #expect(events.waitFor { $0.event == "state" } != nil)
        server.stop()
        #expect(events.waitForClose(), "the client sees the stream end")
        #expect(throws: (any Error).self) { try HTTPClient.get(port: server.port, path: "/") }
    }
}
