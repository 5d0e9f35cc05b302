import Foundation
import NotebookModel
import Testing
@testable import Rendering

/// `--to gfm`: GitHub-flavoured Markdown with figures as PNG files in a sibling folder.
@Suite struct GFMReportTests {
    static func render(_ executed: ExecutedNotebook) throws -> GFMRenderer.Output {
        try GFMRenderer().render(executed, filesFolder: "sample_files")
    }

    @Test func figuresArePNGFilesLinkedRelativelyAndEveryLinkResolves() throws {
        let out = try Self.render(Sample.report())
        #expect(out.files.count == 2)
        for file in out.files {
            #expect(file.data.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]), "\(file.name) is a PNG")
            #expect(out.markdown.contains("](sample_files/\(file.name))"))
        }
        #expect(
            out.files[0].name.hasPrefix("fig-curves-") && out.files[1].name.hasPrefix("fig-loss-"))
        #expect(
            out.markdown.contains(
                "<a id=\"fig-loss\"></a>\n\n![Training loss.](sample_files/\(out.files[1].name))\n\n**Figure 2.** Training loss.\n"
            ))
        // Every image link names a file the renderer produced.
        let links = out.markdown.matches(of: #/!\[[^\]]*\]\(([^)]+)\)/#).map { String($0.1) }
        #expect(links.count == 2)
        #expect(Set(links) == Set(out.files.map { "sample_files/" + $0.name }))
    }

    @Test func codeIsFencedSwiftLogsAreFencedTextAndTablesAreGFMTables() throws {
        let md = try Self.render(Sample.report()).markdown
        #expect(
            md.hasPrefix(
                "# Facial Emotion Recognition \\<FER-2013\\>\n\nA. Researcher · 2026-11-25\n"))
        #expect(
            md.contains(
                "```swift\nlet data = try FER2013.load(params.dataset)\nprint(data.summary)\n```\n")
        )
        #expect(md.contains("```text\ntrain: 28709 images\ntest: 7178 images\n```\n"))
        #expect(md.contains("<a id=\"tbl-accuracy\"></a>**Table 1.** Test accuracy by model.\n"))
        #expect(
            md.contains(
                "| Model | Accuracy | Macro F1 |\n| :-- | --: | --: |\n| Simple CNN | 0.512 | 0.47 |\n"
            ))
        #expect(!md.contains("show(accuracyTable)"), "echo: false hides the code")
        #expect(md.contains("The best test accuracy was 64.1%."))
        #expect(md.contains("on FER-2013 & report *balanced* accuracy"), "a lone & needs no escape")
        #expect(!md.contains("<a id=\"cell-1\">"), "only the failed cell gets an anchor")
        #expect(
            md.contains("[the dataset page](<https://example.org/fer?a=1&b=<2>>)") == false,
            "a destination with angle brackets is percent-encoded")
        #expect(md.contains("[the dataset page](<https://example.org/fer?a=1&b=%3C2%3E>)"))
        #expect(md.contains("✓ Passed: beats chance (line 220)\n"))
        #expect(md.contains("✗ **Failed: beats 0.9 (line 221)**\n"))
        #expect(md.contains("`best` = 0.641\n"))
        #expect(md.contains("## Provenance\n\n|  |  |\n| :-- | :-- |\n| Git commit | abc1234 |\n"))
    }

    @Test func aFailedCellShowsItsErrorAndLaterCellsSayTheyDidNotRun() throws {
        let md = try Self.render(Sample.report(failure: true)).markdown
        #expect(
            md.contains(
                "**Cell 7 failed at line 230**\n\n```text\nFatal error: index out of range <x>\n```\n"
            ))
        #expect(md.contains("*Not run: the run stopped at cell 7.*"))
        #expect(md.contains("> **This report is partial:** Cell 7 failed at line 230."))
    }

    @Test func markdownSyntaxInTextIsEscaped() throws {
        var nb = Sample.minimal()
        nb.notebook.blocks = [
            .prose(.paragraph([.text("# not a heading, 2 * 3 = 6, a_b, [x] | y")])),
            .prose(.paragraph([.text("1. not a list")])),
            .prose(.paragraph([.code("a `b` c")])),
        ]
        let md = try Self.render(nb).markdown
        #expect(md.contains("\\# not a heading, 2 \\* 3 = 6, a\\_b, \\[x\\] \\| y\n"))
        #expect(md.contains("1\\. not a list\n"))
        #expect(md.contains("``a `b` c``"))
    }

    @Test func calloutsCitationsAndConditionalsMatchTheHTML() throws {
        let md = try Self.render(DivAndCitationTests.notebook()).markdown
        #expect(md.contains("> **Warning: Small data**\n>\n> Only a few images.\n"))
        #expect(!md.contains("HIDDEN"))
        #expect(md.contains("<a id=\"sec-shown-section\"></a>\n\n## 1 Shown section\n"))
        #expect(
            md.contains(
                "## References\n\n<a id=\"ref-he2016\"></a>\\[1\\] Kaiming He. *Deep Residual Learning*. 2016.\n"
            ))
    }

    @Test func aProseImageIsCopiedIntoTheFolder() throws {
        let dir = try temporaryDirectory()
        let png = try Sample.gallery().results[0]!.outputs.compactMap { o -> Data? in
            if case .figure(let f) = o { Data(try f.figure.pngData(dpi: 36)) } else { nil }
        }[0]
        try png.write(to: dir.appendingPathComponent("face.png"))
        var nb = Sample.minimal()
        nb.notebook.path = dir.appendingPathComponent("n.md").path
        nb.notebook.blocks = [.prose(.paragraph([.image(url: "face.png", alt: "A face")]))]
        let out = try Self.render(nb)
        #expect(out.files.count == 1 && out.files[0].data == png)
        #expect(out.markdown.contains("![A face](sample_files/\(out.files[0].name))"))
        let ipynb =
            try JSONSerialization.jsonObject(with: IPYNBRenderer().render(nb)) as! [String: Any]
        let cell = (ipynb["cells"] as! [[String: Any]])[0]
        #expect((cell["source"] as! [String]).joined().contains("![A face](attachment:image1.png)"))
        #expect(
            (cell["attachments"] as? [String: [String: String]])?["image1.png"]?["image/png"]
                == png.base64EncodedString())
    }
}
