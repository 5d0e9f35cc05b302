import Foundation
import NotebookModel
import Testing
@testable import Runner

/// divs.md through the real `emotive`: conditional blocks decided by the run, callouts and
/// citations in the HTML and PDF (part of the serialized suite).
extension CompiledNotebookTests {
    @Test func conditionalBlocksCalloutsAndCitationsReachTheHTMLAndPDF() throws {
        let out = Self.workspace + "/Reports-divs"
        let args = [
            "render", Self.notebook("divs.md"), "--cache-dir", Self.cache, "--out", out, "--to",
            "json,html,pdf",
        ]
        let r = try emotive(args)
        // A false block's `values[9]` would crash the run if it were evaluated.
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: out + "/divs.html", encoding: .utf8)
        #expect(
            html.contains(
                "Shown: the last value is <span class=\"inline-value\" title=\"values[2]\">3</span>"
            ))
        #expect(!html.contains("Hidden"), "blocks whose condition is false are left out")
        #expect(
            html.contains(
                "<p class=\"callout-title\">Warning: Small data</p>\n<p>Only <span class=\"inline-value\" title=\"values.count\">3</span> values.</p>"
            ))
        #expect(
            html.contains(
                "<p class=\"callout-title\">Note</p>\n<p>A note with a nested block.</p>\n</div>"))
        #expect(
            html.contains(
                "a challenge <span class=\"citation\">[<a href=\"#ref-goodfellow2013\">1, p. 3</a>]</span>"
            ))
        #expect(
            html.contains("[<a href=\"#ref-he2016\">2</a>, <a href=\"#ref-goodfellow2013\">1</a>]"))
        #expect(
            html.contains(
                "<li id=\"ref-goodfellow2013\"><span class=\"ref-number\">[1]</span> Ian J. Goodfellow and Dumitru Erhan. "
                    + "<em>Challenges in Representation Learning</em>. ICONIP, 2013."))
        #expect(
            html.contains(
                "<li id=\"ref-he2016\"><span class=\"ref-number\">[2]</span> Kaiming He. <em>Deep Residual Learning for Image Recognition</em>. 2016.</li>"
            ))
        #expect(!html.contains("Never Cited Anywhere"))
        #expect(html.contains("::: {when=&quot;not a div: inside a code block&quot;}"))

        let pdf = try ChildProcess.run("/usr/bin/env", ["pdftotext", out + "/divs.pdf", "-"])
        let text = pdf.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("Warning: Small data Only 3 values."))
        #expect(text.contains("Note A note with a nested block."))
        #expect(
            text.contains(
                "References [1] Ian J. Goodfellow and Dumitru Erhan. Challenges in Representation Learning. ICONIP, 2013."
            ))
        #expect(
            text.contains("[2] Kaiming He. Deep Residual Learning for Image Recognition. 2016."))
        #expect(!text.contains("Hidden"))

        // The conditions' values are kept with the inline values, so a frozen re-render
        // makes the same choices without running anything.
        let results = try String(contentsOfFile: out + "/divs.json", encoding: .utf8)
        #expect(results.contains("\"0: many\" : \"true\""))
        #expect(results.contains("\"5: values.isEmpty\" : \"false\""))
        #expect(!results.contains("values[9]"), "the false block's expression never ran")
        let again = try emotive(args)
        #expect(again.stderr.contains("emotive: frozen"))
        #expect(try String(contentsOfFile: out + "/divs.html", encoding: .utf8) == html)
    }

    @Test func aConditionThatDoesNotCompileOrIsNotABoolNamesTheLineOfItsBlock() throws {
        let path = Self.notebook("bad_conditions.md")
        try """
        # Bad conditions

        ```swift
        let values = [1, 2, 3]
        ```

        ::: {when="values.count"}
        Not a Bool.
        :::

        ::: {.callout-tip unless="undefinedFlag"}
        Does not compile.
        :::

        """.write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try Pipeline.run(request("bad_conditions.md"), log: { _ in })
        } throws: { error in
            guard let failure = error as? CompileFailure else { return false }
            return failure.firstLine == 7
                && failure.diagnostics.contains("\(path):7:")
                && failure.diagnostics.contains(
                    "error: 'condition' is unavailable: a when/unless condition must be a Bool")
                && failure.diagnostics.contains(" 7 | ::: {when=\"values.count\"}")
                && failure.diagnostics.contains("\(path):11:")
                && failure.diagnostics.contains("error: cannot find 'undefinedFlag' in scope")
        }
    }
}
