import Foundation
import NotebookModel
import Testing
@testable import Rendering

/// `--to ipynb`: nbformat 4.5 JSON, checked against nbformat's own schema (committed under
/// Fixtures/) and for what each cell holds.
@Suite struct IPYNBReportTests {
    static var schema: JSONSchema {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/nbformat.v4.5.schema.json")
        let data = try! Data(contentsOf: url)
        return JSONSchema(try! JSONSerialization.jsonObject(with: data) as! [String: Any])
    }

    static func notebook(_ executed: ExecutedNotebook) throws -> [String: Any] {
        let data = try IPYNBRenderer().render(executed)
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static func cells(_ nb: [String: Any]) -> [[String: Any]] { nb["cells"] as! [[String: Any]] }

    static func source(_ cell: [String: Any]) -> String { (cell["source"] as! [String]).joined() }

    @Test(arguments: ["sample", "partial", "gallery", "minimal", "divs"])
    func theNotebookValidatesAgainstTheNbformat45Schema(_ which: String) throws {
        let executed =
            switch which {
            case "sample": Sample.report()
            case "partial": Sample.report(failure: true)
            case "gallery": Sample.gallery()
            case "minimal": Sample.minimal()
            default: DivAndCitationTests.notebook()
            }
        let nb = try Self.notebook(executed)
        #expect(Self.schema.validate(nb) == [])
        #expect(nb["nbformat"] as? Int == 4 && nb["nbformat_minor"] as? Int == 5)
    }

    @Test func theSchemaCheckFailsABrokenNotebook() throws {
        var nb = try Self.notebook(Sample.report())
        var cells = Self.cells(nb)
        cells[0]["id"] = "not an id!"  // ids are [a-zA-Z0-9-_]+
        cells[1].removeValue(forKey: "metadata")  // required
        var code = cells.first { $0["cell_type"] as? String == "code" }!
        // no metadata; not a string
        code["outputs"] = [["output_type": "display_data", "data": ["image/png": 3]]]
        cells.append(code)
        nb["cells"] = cells
        let errors = Self.schema.validate(nb)
        #expect(errors.contains { $0.contains("does not match") }, "\(errors)")
        #expect(errors.contains { $0.contains("missing required 'metadata'") }, "\(errors)")
        #expect(errors.count >= 3)
    }

    @Test func proseIsMarkdownWithInlineValuesAndCodeCellsHaveSourceCountsAndOutputs() throws {
        let nb = try Self.notebook(Sample.report())
        let cells = Self.cells(nb)
        let markdown = cells.filter { $0["cell_type"] as? String == "markdown" }.map(Self.source)
        #expect(
            markdown[0].hasPrefix(
                "# Facial Emotion Recognition \\<FER-2013\\>\n\nA. Researcher · 2026-11-25\n"))
        #expect(
            markdown.contains { $0.contains("The best test accuracy was 64.1%.") },
            "inline values are substituted")
        #expect(markdown.contains { $0.contains("## 1 Introduction") })
        #expect(
            markdown.contains {
                $0.contains("See [Figure 1](#fig-curves) and [Table 1](#tbl-accuracy)")
            })
        #expect(
            markdown.contains {
                $0.contains("| Split | Images |\n| :-- | --: |\n| train | 28709 |")
            })

        let code = cells.filter { $0["cell_type"] as? String == "code" }
        #expect(code.count == 8)
        #expect(code.map { $0["id"] as? String } == (1...8).map { "cell-\($0)" })
        #expect(code.map { $0["execution_count"] as? Int } == (1...8).map { Optional($0) })
        #expect(
            Self.source(code[0])
                == "let data = try FER2013.load(params.dataset)\nprint(data.summary)")
        let hidden = (code[2]["metadata"] as? [String: Any])?["jupyter"] as? [String: Bool]
        #expect(hidden == ["source_hidden": true], "echo: false hides the source in JupyterLab")

        let first = code[0]["outputs"] as! [[String: Any]]
        #expect(first[0]["output_type"] as? String == "stream")
        #expect(
            (first[0]["text"] as? [String])?.joined() == "train: 28709 images\ntest: 7178 images\n")
        let md = (first[1]["data"] as? [String: Any])?["text/markdown"] as? [String]
        #expect(md?.joined().contains("**Classes:**") == true)

        let figure = (code[1]["outputs"] as! [[String: Any]])[0]
        #expect(figure["output_type"] as? String == "display_data")
        let data = figure["data"] as! [String: Any]
        let png = Data(base64Encoded: data["image/png"] as! String)!
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect((data["image/svg+xml"] as? [String])?.joined().contains("<svg") == true)
        #expect(
            (data["text/plain"] as? [String])?.joined()
                == "Figure 1. Training and validation accuracy per epoch.")

        let table = (code[2]["outputs"] as! [[String: Any]])[0]["data"] as! [String: Any]
        let html = (table["text/html"] as! [String]).joined()
        #expect(
            html.contains("<caption><strong>Table 1.</strong> Test accuracy by model.</caption>"))
        #expect(html.contains("<td style=\"text-align: right\">0.641</td>"))
        #expect(
            (table["text/plain"] as! [String]).joined().hasSuffix(
                "\nResNet50        0.641      0.61"))

        let meta = nb["metadata"] as! [String: Any]
        #expect((meta["kernelspec"] as? [String: String])?["language"] == "swift")
        #expect((meta["language_info"] as? [String: String])?["name"] == "swift")
        let provenance = meta["emotive"] as! [String: Any]
        #expect(provenance["git_commit"] as? String == "abc1234")
        #expect((provenance["params"] as? [String: String])?["epochs"] == "3")
    }

    @Test func aFailedCellIsAnErrorOutputAndLaterCellsHaveNoExecutionCount() throws {
        let cells = Self.cells(try Self.notebook(Sample.report(failure: true)))
        let code = cells.filter { $0["cell_type"] as? String == "code" }
        let error = (code[6]["outputs"] as! [[String: Any]]).last!
        #expect(error["output_type"] as? String == "error")
        #expect(error["ename"] as? String == "Cell 7 failed at line 230")
        #expect(error["evalue"] as? String == "Fatal error: index out of range <x>")
        #expect(code[6]["execution_count"] as? Int == 7)
        #expect(code[7]["execution_count"] is NSNull, "the run stopped before cell 8")
        #expect(
            Self.source(cells[0]).contains("**This report is partial:** Cell 7 failed at line 230"))
    }

    @Test func calloutsAreQuotesConditionalsAreSettledAndCitationsNumbered() throws {
        let cells = Self.cells(try Self.notebook(DivAndCitationTests.notebook()))
        let text = cells.map(Self.source).joined(separator: "\n")
        #expect(
            text.contains("SHOWN-TEXT is 42 \\[[2, p. 3](#ref-goodfellow2013), [1](#ref-he2016)\\]")
        )
        #expect(text.contains("Residual nets \\[[1](#ref-he2016)\\]."))
        #expect(!text.contains("HIDDEN"))
        #expect(
            text.contains(
                "> **Warning: Small data**\n>\n> Only a few images.\n>\n> - first point\n"))
        #expect(text.contains("> **Tip**\n>\n> A tip.\n"))
        #expect(
            text.contains(
                "<a id=\"ref-goodfellow2013\"></a>\\[2\\] Ian Goodfellow, Dumitru Erhan and Yoshua Bengio. *Challenges in Representation Learning*. ICONIP, 2013. <https://arxiv.org/abs/1307.0414>"
            ))
        #expect(!text.contains("Never Cited"))
    }

    @Test func theSameNotebookGivesTheSameBytes() throws {
        #expect(
            try IPYNBRenderer().render(Sample.report()) == IPYNBRenderer().render(Sample.report()))
    }
}
