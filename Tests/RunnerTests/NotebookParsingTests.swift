import Foundation
import NotebookModel
import Testing
@testable import Runner

@Suite("Parsing a notebook")
struct NotebookParsingTests {
    @Test func frontMatterGivesTitleAuthorParamsAndProfiles() throws {
        let parsed = try NotebookParser.parse(fileAt: TestNotebooks.directory + "/basics.md")
        let fm = parsed.notebook.frontMatter
        #expect(fm.title == "Basics")
        #expect(fm.author == "Runner tests")
        #expect(fm.params.map(\.name) == ["count", "scale", "tag", "verbose"])
        #expect(
            fm.params.map(\.defaultValue) == [
                .int(2), .double(1.5), .string("plain"), .bool(false),
            ])
        #expect(fm.params[1].help == "multiplies every value")
        #expect(fm.profiles["ci"] == ["count": .int(1)])
    }

    @Test func cellsCarryTheirOptionsAndTheLineOfTheirFirstCodeLine() throws {
        let parsed = try NotebookParser.parse(fileAt: TestNotebooks.directory + "/basics.md")
        let cells = parsed.notebook.cells
        #expect(cells.count == 6)
        #expect(cells[0].line == 20)
        #expect(cells[0].source.hasPrefix("let values = "))
        #expect(cells[0].options.label == "tbl-values")
        #expect(cells[0].options.caption == "The values.")
        #expect(cells[1].options.echo == false)
        #expect(cells[2].options.eval == false)
        #expect(cells[3].options.output == false)
        #expect(cells[4].options.error == true)
        #expect(cells.map(\.index) == Array(0..<6))
    }

    @Test func inlineExpressionsAreNumberedAndPlacedAfterTheCellBeforeThem() throws {
        let parsed = try NotebookParser.parse(fileAt: TestNotebooks.directory + "/basics.md")
        let e = parsed.inlineExpressions
        #expect(e.map(\.source) == ["params.count", "values.count", "total"])
        #expect(e.map(\.afterCell) == [nil, 0, 5])
        #expect(e.map(\.line) == [15, 25, 61])
        guard case .prose(.paragraph(let inlines)) = parsed.notebook.blocks[3] else {
            Issue.record(
                "expected the paragraph after the first cell, got \(parsed.notebook.blocks[3])")
            return
        }
        #expect(inlines.contains(.inlineExpression(index: 1, source: "values.count")))
        #expect(inlines.contains(.crossReference(label: "tbl-values")))
    }

    @Test func proseKeepsHeadingsTablesListsAndOtherCodeBlocks() throws {
        let parsed = try parse(
            """
            # Title *here*

            | a | b |
            |:--|--:|
            | 1 | ~~2~~ |

            1. one
            2. two

            ```python
            print(1)
            ```

            ```swift
            let x = 1
            ```
            """)
        let blocks = parsed.notebook.blocks
        #expect(
            blocks[0] == .prose(.heading(level: 1, [.text("Title "), .emphasis([.text("here")])])))
        #expect(
            blocks[1]
                == .prose(
                    .table(
                        header: [[.text("a")], [.text("b")]], alignments: [.left, .right],
                        rows: [[[.text("1")], [.strikethrough([.text("2")])]]])))
        guard case .prose(.list(let ordered, let start, let items)) = blocks[2] else {
            Issue.record("expected a list, got \(blocks[2])")
            return
        }
        #expect(ordered && start == 1 && items.count == 2)
        #expect(blocks[3] == .prose(.code(language: "python", text: "print(1)")))
        #expect(parsed.notebook.frontMatter.title == "Title here")
    }

    @Test func crossReferencesStopAtPunctuation() {
        #expect(
            BlockBuilder.crossReferences(in: "see @fig-cm-1. and mail a@fig-x") == [
                .text("see "), .crossReference(label: "fig-cm-1"), .text(". and mail a@fig-x"),
            ])
    }

    @Test func anUnknownCellOptionIsAWarningWithItsLine() throws {
        let parsed = try parse("```swift\n//| colour: red\nlet x = 1\n```\n")
        #expect(
            parsed.warnings.map(\.description) == [
                "Notebooks/test.md:2: warning: unknown cell option 'colour' is ignored (known: label, caption, echo, eval, output, error)"
            ])
        #expect(parsed.notebook.cells[0].line == 3)
    }

    @Test func aMissingNotebookIsAnError() {
        #expect(throws: RunnerError.self) { try NotebookParser.parse(fileAt: "/nonexistent/x.md") }
        do {
            _ = try NotebookParser.parse(fileAt: "/nonexistent/x.md")
        } catch {
            #expect("\(error)".contains("/nonexistent/x.md: error: no such notebook"))
        }
    }

    @Test func aNotebookWithoutCellsIsAnError() {
        expectError(
            "# Only prose\n\nNothing to run.\n",
            contains: "test.md: error: the notebook has no Swift cells")
    }

    @Test func anUnterminatedFenceNamesTheLineItOpens() {
        expectError(
            "Intro\n\n```swift\nlet x = 1\n", contains: "test.md:3: error: unterminated code fence")
    }

    @Test func invalidYAMLNamesItsNotebookLine() {
        expectError(
            "---\ntitle: x\nparams: [a, b\n---\n```swift\n1\n```\n",
            contains: "test.md:4:1: error: invalid YAML front matter")
    }

    @Test func twoCellsWithTheSameLabelAreAnError() {
        expectError(
            "```swift\n//| label: a\n1\n```\n\n```swift\n//| label: a\n2\n```\n",
            contains:
                "test.md:8: error: duplicate cell label 'a' (first used by the cell at line 3)")
    }

    @Test func wordsInsideStringLiteralsAreNotReadsOfLaterCells() throws {
        // `synthetic` is declared by the cell below, but the expression only compares with a
        // string that happens to spell it; an escaped quote does not end the literal.
        _ = try parse(
            """
            Mode: `{swift} params.mode == "synthetic" ? "a \\"synthetic\\" run" : "real"`.

            ```swift
            let synthetic = true
            ```
            """)
        #expect(InlineOrder.identifiers(#"mode == "synthetic" && x"#) == ["mode", "x"])
        #expect(InlineOrder.identifiers(#"f("a \"b\" c", d)"#) == ["f", "d"])
    }

    @Test func anInlineExpressionReadingALaterCellIsAnError() {
        expectError(
            "Result: `{swift} accuracy`.\n\n```swift\nlet accuracy = 0.5\n```\n",
            contains:
                "test.md:1: error: inline expression `{swift} accuracy` reads 'accuracy', which cell 1 (line 4) declares further down"
        )
    }

    @Test func aParamNameMustBeASwiftIdentifier() {
        expectError(
            "---\nparams:\n  image-size: 48\n---\n```swift\n1\n```\n",
            contains: "test.md:3: error: param name 'image-size' is not a Swift identifier")
    }

    private func expectError(
        _ text: String, contains fragment: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            let parsed = try parse(text)
            Issue.record(
                "expected an error containing \(fragment), parsed \(parsed.notebook)",
                sourceLocation: sourceLocation)
        } catch {
            #expect("\(error)".contains(fragment), "\(error)", sourceLocation: sourceLocation)
        }
    }
}
