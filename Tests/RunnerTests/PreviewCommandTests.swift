import Foundation
import NotebookModel
import Testing
import TestSupport
@testable import Runner

/// `emotive preview` end to end: the real executable on a small notebook, over HTTP.
extension CompiledNotebookTests {
    static let liveNotebook = """
        ---
        title: Live
        ---

        # Live

        FIRST-VERSION of the prose.

        ```swift
        let answer = 6 * 7
        print("answer:", answer)
        ```

        The answer is `{swift} answer`.

        """

    /// A running `emotive preview`; stopped with SIGINT by `stop()`.
    final class PreviewProcess {
        let process = Process()
        let port: Int
        private let errors = Pipe()

        init(notebook: String, cache: String) throws {
            process.executableURL = URL(
                fileURLWithPath: try Toolchain.locate().buildDirectory + "/emotive")
            process.arguments = ["preview", notebook, "--cache-dir", cache]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = errors
            try process.run()
            // The first line on stdout names the address.
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line += chunk
            }
            let text = String(decoding: line, as: UTF8.self)
            guard let match = text.firstMatch(of: #/http://127\.0\.0\.1:(\d+)//#),
                let port = Int(match.1)
            else {
                process.terminate()
                throw RunnerError("emotive preview printed no address: \(text)")
            }
            self.port = port
        }

        /// Ctrl-C; returns the exit status and what it printed on stderr.
        func stop() -> (status: Int32, stderr: String) {
            kill(process.processIdentifier, SIGINT)
            process.waitUntilExit()
            let text = String(
                decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            return (process.terminationStatus, text)
        }
    }

    @Test func previewServesTheReportReloadsItOnAnEditAndShowsACompileErrorsLine() throws {
        let dir = Self.workspace + "/preview"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let notebook = dir + "/live.md"
        try AtomicFile.write(Self.liveNotebook, to: notebook)
        let preview = try PreviewProcess(notebook: notebook, cache: Self.cache)
        var stopped = false
        defer { if !stopped { _ = preview.stop() } }

        let events = try EventReader(port: preview.port)
        let first = events.waitFor { $0.data.contains("\"version\":1") }
        #expect(first != nil, "the first render is published")
        let page = try HTTPClient.get(port: preview.port, path: "/")
        #expect(page.status == 200)
        #expect(
            page.body.contains("FIRST-VERSION")
                && page.body.contains(
                    "The answer is <span class=\"inline-value\" title=\"answer\">42</span>")
        )
        #expect(page.body.contains("new EventSource(\"/events\")"), "the page listens for reloads")
        #expect(
            try HTTPClient.get(port: preview.port, path: "/", host: "rebind.example").status == 403)
        #expect(
            try HTTPClient.get(port: preview.port, path: "/live.md").status == 404,
            "the notebook itself is not served")

        // A prose-only edit: a reload event, and the page has the new text.
        let edited = Date()
        try AtomicFile.write(
            Self.liveNotebook.replacingOccurrences(of: "FIRST-VERSION", with: "SECOND-VERSION"),
            to: notebook)
        let reload = events.waitFor { $0.event == "reload" && $0.data.contains("\"version\":2") }
        #expect(reload != nil)
        let seconds = Date().timeIntervalSince(edited)
        #expect(seconds < 5, "a prose-only edit reached the page in \(seconds) s")
        #expect(try HTTPClient.get(port: preview.port, path: "/").body.contains("SECOND-VERSION"))

        // A compile error on notebook line 10 (the cell's first line): an error state naming it.
        let broken = Self.liveNotebook.replacingOccurrences(
            of: "let answer = 6 * 7", with: "let answer = 6 * sevn")
        try AtomicFile.write(broken, to: notebook)
        let error = events.waitFor { $0.data.contains("\"error\":{") }
        #expect(
            error?.data.contains("\"file\":\"\(notebook)\",\"line\":10,") == true,
            "\(error?.data ?? "no error event")")
        #expect(error?.data.contains("cannot find 'sevn' in scope") == true)
        let underneath = try HTTPClient.get(port: preview.port, path: "/").body
        #expect(underneath.contains("SECOND-VERSION"), "the last good report stays underneath")

        let (status, stderr) = preview.stop()
        stopped = true
        #expect(status == 0, "Ctrl-C stops the preview cleanly: \(stderr)")
        #expect(stderr.contains("emotive: preview stopped"))
        #expect(events.waitForClose(), "the event stream ends")
    }
}
