import Foundation
import XMLEscaping

/// What the preview page shows and is told: the last good report, whether a render is
/// running (and which cell, and the training's progress line), and the last error.
///
/// The page holds a server-sent-events connection to `/events`. Every message carries the
/// whole state as JSON; `reload` is sent when a new report replaced the old one, `state`
/// otherwise. The page reloads itself when the report's version differs from its own
/// (keeping its scroll position), shows a strip while rendering, and an overlay over the
/// last good report while the notebook has an error.
///
///     let session = PreviewSession(title: "fer2013")
///     let server = try HTTPServer(port: 0, handler: session.handle)
///     session.attach(server)
///     session.rendering("compiling 12 cells")
///     session.published(html)                  // version 1: the page reloads
///     session.failed(file: "x.md", line: 12, message: "cannot find 'Dropuot' in scope")
public final class PreviewSession: @unchecked Sendable {
    // @unchecked: every mutable field is touched only while holding `lock`.
    public struct ErrorReport: Codable, Sendable, Equatable {
        public var file: String
        public var line: Int?
        public var message: String
    }

    struct State: Codable, Equatable {
        var version: Int
        var rendering: Bool
        var progress: String
        var error: ErrorReport?
    }

    private let lock = NSLock()
    private var state = State(version: 0, rendering: false, progress: "", error: nil)
    private var html: String?
    private let title: String
    private var server: HTTPServer?
    private var sent: State?
    private var pendingReload = false

    public init(title: String) {
        self.title = title
    }

    /// Starts the thread that pushes state changes (at most every 100 ms) and heartbeats.
    public func attach(_ server: HTTPServer) {
        lock.withLock { self.server = server }
        Thread.detachNewThread { [self] in
            var ticks = 0
            while true {
                Thread.sleep(forTimeInterval: 0.1)
                ticks += 1
                guard let server = lock.withLock({ self.server }) else { return }
                flush(to: server.openStreams, heartbeat: ticks % 150 == 0)
            }
        }
    }

    public func detach() { lock.withLock { server = nil } }

    // MARK: - What the renderer reports

    public func rendering(_ progress: String) {
        lock.withLock {
            state.rendering = true
            state.progress = progress
        }
    }

    /// A new good report: the page reloads; the error overlay goes.
    public func published(_ report: String) {
        lock.withLock {
            html = report
            state.version += 1
            state.rendering = false
            state.progress = ""
            state.error = nil
            pendingReload = true
        }
    }

    /// The notebook failed to compile or a cell failed: shown over the last good report.
    public func failed(file: String, line: Int?, message: String) {
        lock.withLock {
            state.rendering = false
            state.progress = ""
            state.error = ErrorReport(file: file, line: line, message: message)
        }
    }

    var current: State { lock.withLock { state } }

    // MARK: - HTTP

    /// `/` is the report with the live-reload script; `/events` the event stream; nothing
    /// else is served.
    public var handle: @Sendable (HTTPServer.Request) -> HTTPServer.Response {
        { [self] request in
            switch request.path {
            case "/", "/index.html":
                let (page, version) = lock.withLock { (html, state.version) }
                let body = Self.inject(page ?? Self.placeholder(title), version: version)
                return .ok(contentType: "text/html; charset=utf-8", body: Data(body.utf8))
            case "/events":
                return .eventStream { [self] stream in
                    let now = current
                    stream.send(event: "state", data: Self.json(now))
                }
            default:
                return .status(404, "Not Found: the preview serves the report at / only")
            }
        }
    }

    private func flush(to streams: [HTTPServer.EventStream], heartbeat: Bool) {
        let (now, reload, changed) = lock.withLock { () -> (State, Bool, Bool) in
            let changed = sent != state || pendingReload
            let reload = pendingReload
            pendingReload = false
            sent = state
            return (state, reload, changed)
        }
        for stream in streams {
            if changed {
                stream.send(event: reload ? "reload" : "state", data: Self.json(now))
            } else if heartbeat {
                stream.heartbeat()
            }
        }
    }

    static func json(_ state: State) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(state)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// The page shown before the first report exists.
    static func placeholder(_ title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escapeXML(title)) (preview)</title></head>
        <body style="font: 16px system-ui, sans-serif; margin: 3rem;">
        <p>Rendering \(escapeXML(title))…</p>
        </body></html>
        """
    }

    /// The report with the preview's strip, overlay and script before `</body>`.
    static func inject(_ html: String, version: Int) -> String {
        let snippet = PreviewPage.snippet(version: version)
        guard let end = html.range(of: "</body>", options: .backwards) else {
            return html + snippet
        }
        var page = html
        page.insert(contentsOf: snippet, at: end.lowerBound)
        return page
    }
}
